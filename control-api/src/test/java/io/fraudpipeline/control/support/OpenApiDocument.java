package io.fraudpipeline.control.support;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The served OpenAPI document as swagger-parser reads it: its validation messages (an unresolved
 * {@code $ref} is one), and the responses it documents for a request.
 */
public final class OpenApiDocument {

  private final OpenAPI openApi;
  private final List<String> messages;

  private OpenApiDocument(SwaggerParseResult result) {
    this.openApi = result.getOpenAPI();
    this.messages = result.getMessages() == null ? List.of() : List.copyOf(result.getMessages());
  }

  public static OpenApiDocument parse(String json) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    return new OpenApiDocument(new OpenAPIV3Parser().readContents(json, null, options));
  }

  /** What the validator found wrong; empty for a valid document. */
  public List<String> messages() {
    return messages;
  }

  public OpenAPI openApi() {
    return openApi;
  }

  /** The operation a request such as {@code GET /api/v1/jobs/abc} reaches, by its path template. */
  public Optional<Operation> operation(String method, String path) {
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    PathItem.HttpMethod httpMethod = PathItem.HttpMethod.valueOf(method.toUpperCase(Locale.ROOT));
    PathItem literal = openApi.getPaths().get(bare);
    if (literal != null) {
      return Optional.ofNullable(literal.readOperationsMap().get(httpMethod));
    }
    for (Map.Entry<String, PathItem> entry : openApi.getPaths().entrySet()) {
      Pattern template = Pattern.compile(entry.getKey().replaceAll("\\{[^/]+}", "[^/]+"));
      if (template.matcher(bare).matches()) {
        return Optional.ofNullable(entry.getValue().readOperationsMap().get(httpMethod));
      }
    }
    return Optional.empty();
  }

  /** The documented response of that operation for a status, if the document has one. */
  public Optional<ApiResponse> response(String method, String path, int status) {
    return operation(method, path).map(op -> op.getResponses().get(Integer.toString(status)));
  }
}
