package io.fraudpipeline.control.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error the API reports as a problem detail of a given {@link ProblemType}. Only web-facing code
 * (controllers, security handlers) throws it; capabilities throw a {@link
 * io.fraudpipeline.control.errors.DomainException}, which {@link ApiExceptionHandler} maps to one.
 */
public class ApiException extends RuntimeException {

  private final ProblemType type;
  private final Map<String, Object> properties;

  public ApiException(ProblemType type, String detail) {
    this(type, detail, Map.of(), null);
  }

  public ApiException(ProblemType type, String detail, Map<String, ?> properties) {
    this(type, detail, properties, null);
  }

  public ApiException(ProblemType type, String detail, Map<String, ?> properties, Throwable cause) {
    super(detail, cause);
    this.type = type;
    this.properties = new LinkedHashMap<>(properties);
  }

  public ProblemType type() {
    return type;
  }

  /** Extra members of the problem detail (snake_case keys), e.g. {@code running_job_id}. */
  public Map<String, Object> properties() {
    return properties;
  }
}
