package io.fraudpipeline.control.flink;

import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.FlinkUnavailableException;
import io.fraudpipeline.flink.SavepointStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Polls a savepoint trigger until Flink reports an outcome or the operation's deadline passes; a
 * JobManager that does not answer for a while is waited for, never past the deadline.
 */
@Component
public class SavepointAwaiter {

  /**
   * A stop with a savepoint is done when Flink says so, not up to one poll later; the status of a
   * trigger is a cheap read of the JobManager's cache.
   */
  static final Duration POLL = Duration.ofMillis(100);

  private final FlinkRestClient flink;
  private final Clock clock;

  @Autowired
  public SavepointAwaiter(FlinkRestClient flink) {
    this(flink, Clock.systemUTC());
  }

  SavepointAwaiter(FlinkRestClient flink, Clock clock) {
    this.flink = flink;
    this.clock = clock;
  }

  /**
   * @param onWritten told the savepoint's path as soon as Flink reports one, even if the operation
   *     then fails
   * @return the savepoint's path
   * @throws SavepointFailedException when Flink reports a failure (its path kept, if one was
   *     written) or the deadline passes
   */
  public String await(
      JobID jobId, TriggerId triggerId, Instant deadline, Consumer<String> onWritten)
      throws InterruptedException {
    String lastProblem = null;
    while (clock.instant().isBefore(deadline)) {
      SavepointStatus status;
      try {
        status = flink.savepointStatus(jobId, triggerId);
      } catch (FlinkUnavailableException e) {
        lastProblem = e.getMessage();
        Thread.sleep(POLL.toMillis());
        continue;
      } catch (FlinkRequestException e) {
        // Only a 404 says the trigger is unknown; any other refusal is Flink's own answer.
        throw new SavepointFailedException(
            (e.isNotFound()
                    ? "Flink does not know the savepoint trigger "
                    : "Flink gave no outcome of the savepoint trigger ")
                + triggerId
                + ": "
                + e.getMessage(),
            null,
            // A JobManager that forgot the trigger (replaced without HA) may have completed it.
            e.isNotFound());
      }
      if (status.completed()) {
        if (status.location() != null) {
          onWritten.accept(status.location());
        }
        if (status.failure() != null) {
          throw new SavepointFailedException(
              status.location() == null
                  ? "Savepoint failed: " + status.failure()
                  : "The savepoint at "
                      + status.location()
                      + " was written, then the operation failed: "
                      + status.failure(),
              status.location());
        }
        return status.location();
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new SavepointFailedException(
        "No savepoint outcome from Flink by the deadline "
            + deadline
            + (lastProblem == null ? "" : "; last problem: " + lastProblem),
        null,
        true);
  }

  /**
   * A savepoint that did not complete, or whose outcome Flink did not tell; {@link
   * #savepointPath()} is set when one was written.
   */
  public static class SavepointFailedException extends RuntimeException {
    private final String savepointPath;
    private final boolean outcomeUnknown;

    SavepointFailedException(String message, String savepointPath) {
      this(message, savepointPath, false);
    }

    SavepointFailedException(String message, String savepointPath, boolean outcomeUnknown) {
      super(message);
      this.savepointPath = savepointPath;
      this.outcomeUnknown = outcomeUnknown;
    }

    public String savepointPath() {
      return savepointPath;
    }

    /**
     * Whether Flink gave no outcome at all (it no longer knows the trigger, or did not answer by
     * the deadline), rather than a failure: the savepoint may well have completed.
     */
    public boolean outcomeUnknown() {
      return outcomeUnknown;
    }
  }
}
