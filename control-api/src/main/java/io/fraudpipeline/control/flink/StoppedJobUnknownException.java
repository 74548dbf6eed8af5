package io.fraudpipeline.control.flink;

/**
 * A stop with savepoint whose savepoint Flink reported completed, after which Flink did not know
 * the job any more (its JobManager replaced without HA before the job's end was read). Unlike a
 * bare {@link UnknownJobException} this tells the stop's outcome: Flink completes a stop's
 * savepoint operation only once the job's tasks have finished, so the job ended with {@link
 * #savepointPath()}.
 */
public class StoppedJobUnknownException extends UnknownJobException {

  private final String savepointPath;

  public StoppedJobUnknownException(String jobId, String savepointPath, UnknownJobException lost) {
    super(
        lost.flinkStatus(),
        jobId,
        "Flink completed the stop of job "
            + jobId
            + " with savepoint "
            + savepointPath
            + ", then no longer knew the job ("
            + lost.getMessage()
            + ")",
        lost);
    this.savepointPath = savepointPath;
  }

  /** The savepoint the stop completed. */
  public String savepointPath() {
    return savepointPath;
  }
}
