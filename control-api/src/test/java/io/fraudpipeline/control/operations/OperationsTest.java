package io.fraudpipeline.control.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperationsTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Operations operations = new Operations(meters);

  @AfterEach
  void close() {
    operations.close();
  }

  @Test
  void reportsInProgressThenCompletedWithTheNewJob() {
    Operation accepted =
        operations.start(
            OperationKind.RESCALE,
            "job-1",
            Duration.ofMinutes(1),
            context -> {
              context.savepointWritten("file:/savepoints/sp-1");
              return "job-2";
            });

    assertThat(accepted.state()).isEqualTo(OperationState.IN_PROGRESS);
    assertThat(accepted.deadline()).isEqualTo(accepted.createdAt().plus(Duration.ofMinutes(1)));
    Operation done = awaitEnd(accepted.id());
    assertThat(done.state()).isEqualTo(OperationState.COMPLETED);
    assertThat(done.savepointPath()).isEqualTo("file:/savepoints/sp-1");
    assertThat(done.newJobId()).isEqualTo("job-2");
    assertThat(done.completedAt()).isNotNull();
    assertThat(
            meters
                .get("fraud.operations")
                .tag("kind", "rescale")
                .tag("outcome", "completed")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void keepsTheSavepointPathWhenALaterStepFails() {
    Operation accepted =
        operations.start(
            OperationKind.STOP,
            "job-1",
            Duration.ofMinutes(1),
            context -> {
              context.savepointWritten("file:/savepoints/sp-2");
              throw new IllegalStateException("the job failed while stopping");
            });

    Operation failed = awaitEnd(accepted.id());
    assertThat(failed.state()).isEqualTo(OperationState.FAILED);
    assertThat(failed.savepointPath()).isEqualTo("file:/savepoints/sp-2");
    assertThat(failed.failureCause()).isEqualTo("the job failed while stopping");
    assertThat(
            meters
                .get("fraud.operations")
                .tag("kind", "stop")
                .tag("outcome", "failed")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void forgetsTheOldestEndedOperationsBeyondTheLimit() {
    String first =
        operations.start(OperationKind.CANCEL, "j", Duration.ofMinutes(1), c -> null).id();
    awaitEnd(first);
    for (int i = 0; i < Operations.RETAINED; i++) {
      awaitEnd(operations.start(OperationKind.CANCEL, "j", Duration.ofMinutes(1), c -> null).id());
    }
    assertThat(operations.list()).hasSize(Operations.RETAINED);
    assertThat(operations.find(first)).isEmpty();
  }

  private Operation awaitEnd(String id) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .until(() -> operations.find(id).orElseThrow().state() != OperationState.IN_PROGRESS);
    return operations.find(id).orElseThrow();
  }
}
