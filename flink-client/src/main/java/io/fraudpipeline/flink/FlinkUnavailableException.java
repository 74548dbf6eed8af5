package io.fraudpipeline.flink;

/**
 * The JobManager cannot be reached or did not answer in time. Callers retry; the web layer answers
 * 503 flink-unavailable.
 */
public class FlinkUnavailableException extends RuntimeException {

  public FlinkUnavailableException(String detail, Throwable cause) {
    super(detail, cause);
  }
}
