package io.fraudpipeline.control.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something the control plane refused or could not carry out, named for what went wrong in the
 * domain. It knows nothing of HTTP: the web layer maps each kind to a problem type, so capabilities
 * stay usable (and testable) without it. The set of kinds is closed so that the mapping covers
 * every one.
 */
public abstract sealed class DomainException extends RuntimeException
    permits NotFoundException,
        StateConflictException,
        InvalidInputException,
        MalformedInputException,
        ConcurrencyLimitException,
        VersionMismatchException,
        VersionRequiredException,
        ExecutionFailedException,
        IncompleteBuildException,
        ShuttingDownException {

  private final Map<String, Object> properties;

  DomainException(String detail, Map<String, ?> properties, Throwable cause) {
    super(detail, cause);
    this.properties = new LinkedHashMap<>(properties);
  }

  /**
   * Facts a client can act on besides the message, keyed as on the wire (snake_case), e.g. {@code
   * running_job_id}.
   */
  public Map<String, Object> properties() {
    return properties;
  }
}
