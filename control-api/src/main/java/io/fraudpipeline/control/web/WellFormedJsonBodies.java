package io.fraudpipeline.control.web;

import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.control.json.FiniteNumbers;
import io.fraudpipeline.model.FieldError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.List;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JSON request body through once, as text, before it is bound: a body that is not JSON
 * (bytes that are not UTF-8, a key given twice) is {@code malformed-body} on every endpoint. Bound
 * directly, such a flaw was found only where the binding happened to read it, so the same body was
 * {@code validation} on one endpoint (its first field unknown there, as on a command without
 * parameters, or the flaw inside a field's value) and {@code malformed-body} on the next. A bare
 * {@code NaN} or {@code Infinity}, not JSON but written by some JSON writers, is a {@code
 * validation} error of its field instead ({@link FiniteNumbers}).
 */
@ControllerAdvice
class WellFormedJsonBodies extends RequestBodyAdviceAdapter {

  private final JsonMapper mapper;

  WellFormedJsonBodies(JsonMapper mapper) {
    // The API's own mapper: it has the duplicate-key detection (ApiJsonConfiguration).
    this.mapper = mapper;
  }

  @Override
  public boolean supports(
      MethodParameter methodParameter,
      Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) {
    return true;
  }

  @Override
  public HttpInputMessage beforeBodyRead(
      HttpInputMessage inputMessage,
      MethodParameter parameter,
      Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType)
      throws IOException {
    MediaType type = inputMessage.getHeaders().getContentType();
    if (type == null
        || !(MediaType.APPLICATION_JSON.isCompatibleWith(type)
            || type.getSubtype().endsWith("+json"))) {
      return inputMessage;
    }
    byte[] body = inputMessage.getBody().readAllBytes();
    // Bare NaN and Infinity are read, to be refused below as the field they are in, not as JSON.
    try (JsonParser parser =
        mapper.reader().with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).createParser(body)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.VALUE_STRING) {
          // Decoded, not skipped: a skipped value's bytes are not all checked.
          parser.getString();
        } else if (FiniteNumbers.isNonFiniteToken(parser)) {
          throw new InvalidInputException(
              List.of(new FieldError(FiniteNumbers.fieldPath(parser), FiniteNumbers.MESSAGE)));
        }
      }
    } catch (JacksonException e) {
      throw new HttpMessageNotReadableException(e.getOriginalMessage(), e, inputMessage);
    }
    return new Buffered(inputMessage.getHeaders(), body);
  }

  /** The body read above, for the binding to read again. */
  private record Buffered(HttpHeaders headers, byte[] body) implements HttpInputMessage {

    @Override
    public InputStream getBody() {
      return new ByteArrayInputStream(body);
    }

    @Override
    public HttpHeaders getHeaders() {
      return headers;
    }
  }
}
