package io.fraudpipeline.control.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.flink.TestingFlinkService;
import io.fraudpipeline.control.operations.InMemoryOperations;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationState;
import io.fraudpipeline.control.savepoints.SavepointProperties;
import io.fraudpipeline.control.support.TestLeadership;
import io.fraudpipeline.flink.FlinkRestClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica that shuts down while a savepoint it runs waits for Flink: it ends the savepoint's
 * operation itself, saying why, against an in-memory operations topic and Flink.
 */
class SavepointsAtShutdownTest {

  private final Clock clock = Clock.systemUTC();
  private final TestingFlinkService flink = new TestingFlinkService(clock);
  private final InMemoryOperations operations =
      new InMemoryOperations(
          new TestLeadership("replica-a", true, Optional.of(Set.of("replica-a"))),
          clock,
          Duration.ofSeconds(30));

  @AfterEach
  void close() {
    operations.close();
  }

  @Test
  void aSavepointInProgressWhenItsReplicaShutsDownEndsSayingSoAndToTakeItAgain()
      throws InterruptedException {
    String jobId = flink.startOutside(new JobID().toHexString(), 2, clock.instant());
    CountDownLatch triggered = new CountDownLatch(1);
    flink.holdSavepoints(triggered);
    Operation savepoint = jobOperations().savepoint(jobId);
    assertThat(triggered.await(10, TimeUnit.SECONDS)).isTrue();

    operations.close();

    // Before, it stayed in progress in the topic, and the next replica failed it with "The
    // control plane stopped while this operation was in progress on it", no more said.
    Operation ended = operations.recorded(savepoint.id()).orElseThrow();
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .isEqualTo(
            "The control-plane replica replica-a shut down while the savepoint was being taken:"
                + " Flink may still complete it, but it is not in the savepoint history (GET"
                + " /api/v1/savepoints); take the savepoint again");
  }

  private JobOperations jobOperations() {
    return new JobOperations(
        flink,
        new CheckpointTimeoutOnly(Duration.ofMinutes(1)),
        operations.operations(),
        // Never reached: the savepoint is cut short before it is recorded.
        null,
        new SavepointProperties(
            null,
            Duration.ofSeconds(30),
            Duration.ZERO,
            Duration.ofMinutes(1),
            Duration.ofMinutes(1),
            Duration.ofMinutes(1),
            new SavepointProperties.Retention(0, Duration.ZERO)),
        new TestingFraudJobObserver(flink, clock),
        new EmbeddedJobJar(new ClassLoader(null) {}, "no-such-jar.jar", "io.fraudpipeline.Main"),
        TestingJobProperties.of());
  }

  /** A Flink REST client that answers only for a job's checkpoint timeout. */
  private static final class CheckpointTimeoutOnly extends FlinkRestClient {

    private final Duration timeout;

    CheckpointTimeoutOnly(Duration timeout) {
      super(URI.create("http://localhost:1"), Duration.ofSeconds(1), Duration.ofSeconds(1));
      this.timeout = timeout;
    }

    @Override
    public Duration checkpointTimeout(JobID jobId) {
      return timeout;
    }
  }
}
