package io.fraudpipeline.control.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Lists the components of the API's records that are never null as {@code required} in their
 * response schemas: always written (the API leaves out only null members). Those are the primitive
 * components ({@code int}, {@code long}, {@code boolean}, ...) and those the record's constructor
 * never leaves null (a list it makes empty when given none): seen by building the record with
 * nothing (every reference null, every primitive zero), since every instance goes through that
 * constructor. A record that cannot be built so keeps only its primitives; a component written only
 * when not empty ({@code @JsonInclude(NON_EMPTY)}) or by a serializer of its own stays optional.
 * Anything else stays optional: nothing in a record's type says whether one can be null, and a
 * member listed required but left out would mislead a generated client more than one not listed. A
 * schema a request body also uses keeps only what swagger-core found required: a member left out of
 * a request takes its default, it is no error. Schemas are matched to records by simple name
 * (springdoc names them so); where records share one, by their members too.
 */
class AlwaysPresentComponents implements OpenApiCustomizer {

  private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
      (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

  private final Map<String, List<Class<?>>> records;

  AlwaysPresentComponents(String basePackage) {
    this.records = recordsBySimpleName(basePackage);
  }

  @Override
  public void customise(OpenAPI openApi) {
    if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
      return;
    }
    Map<String, Schema> schemas = openApi.getComponents().getSchemas();
    Set<String> inRequests = requestSchemas(openApi, schemas);
    schemas.forEach(
        (name, schema) -> {
          if (inRequests.contains(name) || schema.getProperties() == null) {
            return;
          }
          Class<?> record = recordOf(name, schema.getProperties().keySet());
          if (record == null) {
            return;
          }
          for (String member : alwaysPresent(record)) {
            List<?> required = schema.getRequired();
            if (schema.getProperties().containsKey(member)
                && (required == null || !required.contains(member))) {
              schema.addRequiredItem(member);
            }
          }
        });
  }

  /**
   * The record a schema describes: the one of that simple name, or, of several, the one whose
   * members are the schema's properties.
   */
  private Class<?> recordOf(String schemaName, Set<String> properties) {
    List<Class<?>> candidates =
        records.getOrDefault(schemaName, List.of()).stream()
            .filter(
                r ->
                    Arrays.stream(r.getRecordComponents())
                        .map(AlwaysPresentComponents::jsonName)
                        .collect(Collectors.toSet())
                        .equals(properties))
            .toList();
    return candidates.size() == 1 ? candidates.get(0) : null;
  }

  /** The JSON names of the record's components that are never null. */
  static List<String> alwaysPresent(Class<?> record) {
    RecordComponent[] components = record.getRecordComponents();
    Object built = builtWithNothing(record, components);
    List<String> members = new ArrayList<>();
    for (RecordComponent component : components) {
      boolean neverNull =
          component.getType().isPrimitive() || (built != null && valueOf(component, built) != null);
      if (neverNull && writtenWheneverNotNull(record, component)) {
        members.add(jsonName(component));
      }
    }
    return members;
  }

  /** The record built from nulls and zeros, or null when its constructor refuses them. */
  private static Object builtWithNothing(Class<?> record, RecordComponent[] components) {
    Class<?>[] types =
        Arrays.stream(components).map(RecordComponent::getType).toArray(Class[]::new);
    Object[] nothing = Arrays.stream(types).map(AlwaysPresentComponents::zero).toArray();
    try {
      Constructor<?> canonical = record.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      return canonical.newInstance(nothing);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Object zero(Class<?> type) {
    return type.isPrimitive() ? Array.get(Array.newInstance(type, 1), 0) : null;
  }

  private static Object valueOf(RecordComponent component, Object record) {
    try {
      Method accessor = component.getAccessor();
      accessor.setAccessible(true);
      return accessor.invoke(record);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Whether Jackson writes the component whenever it is not null (the API's default). */
  private static boolean writtenWheneverNotNull(Class<?> record, RecordComponent component) {
    List<AnnotatedElement> places = new ArrayList<>(List.of(component, component.getAccessor()));
    try {
      places.add(record.getDeclaredField(component.getName()));
    } catch (NoSuchFieldException e) {
      // A record has a field of each component; nothing more to look at otherwise.
    }
    places.add(record);
    for (AnnotatedElement place : places) {
      JsonInclude include = place.getAnnotation(JsonInclude.class);
      if (include != null
          && include.value() != JsonInclude.Include.ALWAYS
          && include.value() != JsonInclude.Include.NON_NULL
          && include.value() != JsonInclude.Include.USE_DEFAULTS) {
        return false;
      }
      if (place != record
          && (place.isAnnotationPresent(JsonSerialize.class)
              || place.isAnnotationPresent(
                  tools.jackson.databind.annotation.JsonSerialize.class))) {
        return false;
      }
    }
    return true;
  }

  private static String jsonName(RecordComponent component) {
    JsonProperty property = component.getAnnotation(JsonProperty.class);
    if (property == null) {
      property = component.getAccessor().getAnnotation(JsonProperty.class);
    }
    return property != null && !property.value().isEmpty()
        ? property.value()
        : SNAKE_CASE.translate(component.getName());
  }

  /** The schemas a request body refers to, directly or through other schemas. */
  private static Set<String> requestSchemas(OpenAPI openApi, Map<String, Schema> schemas) {
    Deque<Schema<?>> pending = new ArrayDeque<>();
    if (openApi.getPaths() != null) {
      openApi
          .getPaths()
          .values()
          .forEach(
              item ->
                  item.readOperations().stream()
                      .filter(op -> op.getRequestBody() != null)
                      .filter(op -> op.getRequestBody().getContent() != null)
                      .flatMap(op -> op.getRequestBody().getContent().values().stream())
                      .filter(media -> media.getSchema() != null)
                      .forEach(media -> pending.add(media.getSchema())));
    }
    Set<String> found = new HashSet<>();
    while (!pending.isEmpty()) {
      Schema<?> schema = pending.pop();
      if (schema.get$ref() != null) {
        String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
        if (found.add(name) && schemas.get(name) != null) {
          pending.push(schemas.get(name));
        }
        continue;
      }
      List<Schema> parts = new ArrayList<>();
      if (schema.getProperties() != null) {
        parts.addAll(schema.getProperties().values());
      }
      parts.add(schema.getItems());
      if (schema.getAdditionalProperties() instanceof Schema<?> values) {
        parts.add(values);
      }
      for (List<Schema> composed :
          Arrays.asList(schema.getAllOf(), schema.getOneOf(), schema.getAnyOf())) {
        if (composed != null) {
          parts.addAll(composed);
        }
      }
      parts.stream().filter(part -> part != null).forEach(pending::push);
    }
    return found;
  }

  private static Map<String, List<Class<?>>> recordsBySimpleName(String basePackage) {
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AssignableTypeFilter(Record.class));
    Map<String, List<Class<?>>> bySimpleName = new HashMap<>();
    for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
      Class<?> type =
          ClassUtils.resolveClassName(
              candidate.getBeanClassName(), AlwaysPresentComponents.class.getClassLoader());
      bySimpleName.computeIfAbsent(type.getSimpleName(), n -> new ArrayList<>()).add(type);
    }
    return Map.copyOf(bySimpleName);
  }
}
