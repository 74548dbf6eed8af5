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

  /**
   * An operation Flink accepted and then reported as failed (a checkpoint, a savepoint disposal):
   * its answer carried the failure, not an error status.
   */
  public static FlinkRequestException operationFailed(String detail) {
    return new FlinkRequestException(0, detail, null);
  }

  /**
   * The HTTP status Flink answered with, e.g. 404 for an unknown job or trigger; 0 for {@link
   * #operationFailed an operation that failed after Flink accepted it}.
   */
  public int flinkStatus() {
    return flinkStatus;
  }

  public boolean isNotFound() {
    return flinkStatus == 404;
  }
}
