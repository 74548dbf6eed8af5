package io.fraudpipeline.flink;

/**
 * Flink answered, but with an error; the web layer answers 502 flink-error quoting Flink's first
 * line of explanation.
 */
public class FlinkRequestException extends RuntimeException {

  private final int flinkStatus;

  public FlinkRequestException(int flinkStatus, String detail, Throwable cause) {
    super(detail, cause);
    this.flinkStatus = flinkStatus;
  }

  /** The HTTP status Flink answered with, e.g. 404 for an unknown job or trigger. */
  public int flinkStatus() {
    return flinkStatus;
  }

  public boolean isNotFound() {
    return flinkStatus == 404;
  }
}
