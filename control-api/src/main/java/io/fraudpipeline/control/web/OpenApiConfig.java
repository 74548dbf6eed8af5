package io.fraudpipeline.control.web;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI description: title, version, the bearer scheme on every state-changing operation, and
 * the problem-detail responses. Statuses that follow from an operation's shape (a write, a path
 * parameter, a body, an If-Match header) are added here for every operation; controllers annotate
 * the ones only some operations give (409, 429, 502, 503) and their success status when it is not
 * 200. Every error response, annotated or not, is documented as the problem document it is.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfig {

  static final String BEARER = "bearer";
  private static final String PROBLEM_JSON = "application/problem+json";
  private static final Set<PathItem.HttpMethod> WRITES =
      Set.of(
          PathItem.HttpMethod.POST,
          PathItem.HttpMethod.PUT,
          PathItem.HttpMethod.PATCH,
          PathItem.HttpMethod.DELETE);

  static {
    // swagger-core reads types through Jackson 2: it would describe Jackson 3's JsonNode by its
    // getters (node_type, container, ...) and an SseEmitter by its timeout, neither of which is
    // ever on the wire.
    SpringDocUtils.getConfig()
        .replaceWithSchema(
            JsonNode.class, new JsonSchema().description("Any JSON value (free-form)"))
        .replaceWithSchema(
            SseEmitter.class,
            ProblemSchema.typed("string")
                .description(
                    "A stream of server-sent events (id, event, data lines; data is one JSON"
                        + " document), with comment lines as heartbeats"));
  }

  @Bean
  OpenAPI controlApiOpenApi(ObjectProvider<BuildProperties> build) {
    BuildProperties properties = build.getIfAvailable();
    String version = properties == null ? "dev" : properties.getVersion();
    return new OpenAPI()
        .info(
            new Info()
                .title("fraud-pipeline control API")
                .version(version)
                .description(
                    "Deploys and operates the Flink fraud-detection job and its Kafka topics. "
                        + "JSON bodies are snake_case; errors are RFC 9457 problem details "
                        + "(application/problem+json) with a stable `type` URI; every "
                        + "state-changing request needs `Authorization: Bearer <token>`.")
                .license(new License().name("Apache-2.0").identifier("Apache-2.0")))
        .components(
            new Components()
                .addSecuritySchemes(
                    BEARER,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description(
                            "The token set in FRAUD_API_TOKEN (fraud.security.api-token)")));
  }

  /**
   * Marks writes as needing the token and documents the problem responses. Runs after springdoc
   * dropped the schemas nothing referenced yet, so the Problem schema is added here, with the
   * references to it.
   */
  @Bean
  OpenApiCustomizer securityAndProblemResponses() {
    return openApi -> {
      if (openApi.getPaths() == null) {
        return;
      }
      if (openApi.getComponents() == null) {
        openApi.setComponents(new Components());
      }
      openApi.getComponents().addSchemas(ProblemSchema.NAME, ProblemSchema.schema());
      openApi
          .getPaths()
          .forEach(
              (path, item) ->
                  item.readOperationsMap()
                      .forEach((method, operation) -> document(path, method, operation)));
    };
  }

  private static void document(String path, PathItem.HttpMethod method, Operation operation) {
    ApiResponses responses = operation.getResponses();
    if (WRITES.contains(method)) {
      operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
      responses.putIfAbsent("401", problem("unauthorized: missing or invalid bearer token"));
      responses.putIfAbsent("403", problem("forbidden: writes disabled, no token configured"));
    } else {
      // Said, not left out: a read needs no token (linters take a missing list for an oversight).
      operation.setSecurity(new java.util.ArrayList<>());
    }
    responses.putIfAbsent("400", problem("validation or malformed-body: invalid request"));
    responses.putIfAbsent("406", problem("not-acceptable: the Accept header excludes JSON"));
    responses.putIfAbsent("500", problem("internal: an unexpected failure (error_id)"));
    if (operation.getRequestBody() != null) {
      responses.putIfAbsent("415", problem("unsupported-media-type: another Content-Type"));
      responses.putIfAbsent(
          "413", problem("content-too-large: a body above fraud.security.max-body-size"));
    }
    if (path.contains("{")) {
      responses.putIfAbsent("404", problem("not-found: nothing with this id"));
    }
    if (hasHeader(operation, "If-Match")) {
      responses.putIfAbsent("412", problem("precondition-failed: a stale If-Match version"));
      responses.putIfAbsent("428", problem("precondition-required: If-Match is missing"));
    }
    responses.forEach(
        (status, response) -> {
          if (isError(status)) {
            // An annotated error status gets the method's return type from springdoc: the
            // service answers a problem document instead.
            response.setContent(problemContent());
            return;
          }
          if (response.getContent() != null) {
            // The controllers produce problem+json too, so that an Accept of only that is not
            // refused; a success is still JSON.
            response.getContent().remove(PROBLEM_JSON);
          }
          if ("201".equals(status)
              || ("202".equals(status) && method == PathItem.HttpMethod.POST)) {
            response.addHeaderObject(
                HttpHeaders.LOCATION,
                new Header()
                    .description("Where the created resource or the operation can be read")
                    .schema(ProblemSchema.typed("string").format("uri-reference")));
          }
        });
  }

  private static boolean hasHeader(Operation operation, String name) {
    return operation.getParameters() != null
        && operation.getParameters().stream()
            .anyMatch(p -> "header".equals(p.getIn()) && name.equalsIgnoreCase(p.getName()));
  }

  private static boolean isError(String status) {
    return status.length() == 3 && (status.charAt(0) == '4' || status.charAt(0) == '5');
  }

  /** springdoc describes schemas through swagger-core's Jackson 2: tell it names are snake_case. */
  @Bean
  ModelResolver snakeCaseModelResolver() {
    return new ModelResolver(
        Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
  }

  /** Which members of a response are always there. */
  @Bean
  OpenApiCustomizer alwaysPresentComponents() {
    return new AlwaysPresentComponents("io.fraudpipeline");
  }

  private static ApiResponse problem(String description) {
    return new ApiResponse().description(description).content(problemContent());
  }

  private static Content problemContent() {
    return new Content()
        .addMediaType(
            PROBLEM_JSON, new MediaType().schema(new JsonSchema().$ref(ProblemSchema.REF)));
  }
}
