package io.fraudpipeline.flink;

import java.util.Collection;
import org.apache.flink.runtime.rest.HttpHeader;
import org.apache.flink.runtime.rest.HttpMethodWrapper;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.MessageHeaders;
import org.apache.flink.runtime.rest.messages.MessageParameters;
import org.apache.flink.runtime.rest.messages.ResponseBody;
import org.apache.flink.runtime.rest.versioning.RestAPIVersion;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.annotation.JsonCreator;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Flink's answer about an asynchronous operation (a savepoint, a checkpoint, a disposal), kept as
 * JSON. Flink's typed form of it ({@code AsynchronousOperationResult}) cannot be read when the
 * operation failed and Flink's classes are not on the system class loader, as in a Spring Boot jar:
 * its failure is resolved there ({@link OperationFailure} reads it with this module's own).
 */
final class OperationResult implements ResponseBody {

  private final JsonNode json;

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  OperationResult(JsonNode json) {
    this.json = json;
  }

  boolean completed() {
    return "COMPLETED".equals(json.path("status").path("id").asText());
  }

  /** The operation's outcome, e.g. {@code location} or {@code failure-cause}; missing if none. */
  JsonNode operation() {
    return json.path("operation");
  }

  /** Flink's status headers of an operation, answered as {@link OperationResult}. */
  static <M extends MessageParameters> MessageHeaders<EmptyRequestBody, OperationResult, M> asJson(
      MessageHeaders<EmptyRequestBody, ?, M> typed) {
    return new MessageHeaders<>() {
      @Override
      public Class<OperationResult> getResponseClass() {
        return OperationResult.class;
      }

      @Override
      public HttpResponseStatus getResponseStatusCode() {
        return typed.getResponseStatusCode();
      }

      @Override
      public String getDescription() {
        return typed.getDescription();
      }

      @Override
      public String operationId() {
        return typed.operationId();
      }

      @Override
      public Collection<HttpHeader> getCustomHeaders() {
        return typed.getCustomHeaders();
      }

      @Override
      public Class<EmptyRequestBody> getRequestClass() {
        return EmptyRequestBody.class;
      }

      @Override
      public M getUnresolvedMessageParameters() {
        return typed.getUnresolvedMessageParameters();
      }

      @Override
      public HttpMethodWrapper getHttpMethod() {
        return typed.getHttpMethod();
      }

      @Override
      public String getTargetRestEndpointURL() {
        return typed.getTargetRestEndpointURL();
      }

      @Override
      public Collection<? extends RestAPIVersion<?>> getSupportedAPIVersions() {
        return typed.getSupportedAPIVersions();
      }
    };
  }
}
