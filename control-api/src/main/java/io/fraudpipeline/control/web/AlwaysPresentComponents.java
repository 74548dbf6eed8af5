package io.fraudpipeline.control.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
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
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Lists the primitive components ({@code int}, {@code long}, {@code boolean}, ...) of the API's
 * records as {@code required} in their response schemas: never null, so always written (the API
 * leaves out only null members). Other components stay optional: nothing in a record's type says
 * whether one can be null, and a member listed required but left out would mislead a generated
 * client more than one not listed. A schema a request body also uses keeps only what swagger-core
 * found required: a primitive left out of a request takes its default, it is no error. Schemas are
 * matched to records by simple name (springdoc names them so); a name two records share is left
 * alone.
 */
class AlwaysPresentComponents implements OpenApiCustomizer {

  private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
      (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

  private final Map<String, Class<?>> records;

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
          Class<?> record = records.get(name);
          if (record == null || inRequests.contains(name) || schema.getProperties() == null) {
            return;
          }
          for (RecordComponent component : record.getRecordComponents()) {
            String member = jsonName(component);
            List<?> required = schema.getRequired();
            if (component.getType().isPrimitive()
                && schema.getProperties().containsKey(member)
                && (required == null || !required.contains(member))) {
              schema.addRequiredItem(member);
            }
          }
        });
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

  private static Map<String, Class<?>> recordsBySimpleName(String basePackage) {
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AssignableTypeFilter(Record.class));
    Map<String, Class<?>> bySimpleName = new HashMap<>();
    Set<String> shared = new HashSet<>();
    for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
      Class<?> type =
          ClassUtils.resolveClassName(
              candidate.getBeanClassName(), AlwaysPresentComponents.class.getClassLoader());
      if (bySimpleName.putIfAbsent(type.getSimpleName(), type) != null) {
        shared.add(type.getSimpleName());
      }
    }
    shared.forEach(bySimpleName::remove);
    return Map.copyOf(bySimpleName);
  }
}
