package io.fraudpipeline.control.web;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description: title, version, the bearer scheme on every state-changing operation, and
 * the problem-detail responses every operation may give.
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
                .license(new License().name("Apache-2.0")))
        .components(
            new Components()
                .addSecuritySchemes(
                    BEARER,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("The token set in FRAUD_API_TOKEN (fraud.security.api-token)"))
                .addSchemas("Problem", problemSchema()));
  }

  /** Marks writes as needing the token and documents the problem responses they can give. */
  @Bean
  OpenApiCustomizer securityAndProblemResponses() {
    return openApi -> {
      if (openApi.getPaths() == null) {
        return;
      }
      openApi
          .getPaths()
          .forEach(
              (path, item) ->
                  item.readOperationsMap()
                      .forEach(
                          (method, operation) -> {
                            var responses = operation.getResponses();
                            if (WRITES.contains(method)) {
                              operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
                              responses.putIfAbsent(
                                  "401", problemResponse("Missing or invalid bearer token"));
                              responses.putIfAbsent(
                                  "403", problemResponse("Writes disabled: no token configured"));
                            }
                            responses.putIfAbsent(
                                "400", problemResponse("Invalid request (field errors)"));
                          }));
    };
  }

  /** springdoc describes schemas through swagger-core's Jackson 2: tell it names are snake_case. */
  @Bean
  ModelResolver snakeCaseModelResolver() {
    return new ModelResolver(
        Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
  }

  private static ApiResponse problemResponse(String description) {
    return new ApiResponse()
        .description(description)
        .content(
            new Content()
                .addMediaType(
                    PROBLEM_JSON,
                    new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem"))));
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Schema<?> problemSchema() {
    Schema schema = new Schema<>().type("object");
    schema.description("RFC 9457 problem detail");
    schema.setProperties(
        Map.of(
            "type",
            new Schema<>()
                .type("string")
                .format("uri")
                .example(ProblemType.BASE + "validation")
                .description("Stable identifier of the error kind"),
            "title",
            new Schema<>().type("string"),
            "status",
            new Schema<>().type("integer"),
            "detail",
            new Schema<>().type("string"),
            "instance",
            new Schema<>().type("string").format("uri"),
            "errors",
            new Schema<>()
                .type("array")
                .description("Field errors of a validation problem")
                .items(
                    new Schema<>()
                        .type("object")
                        .addProperty("field", new Schema<>().type("string"))
                        .addProperty("message", new Schema<>().type("string")))));
    return schema;
  }
}
