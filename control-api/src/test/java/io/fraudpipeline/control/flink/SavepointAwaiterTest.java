package io.fraudpipeline.control.flink;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.SavepointStatus;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.junit.jupiter.api.Test;

class SavepointAwaiterTest {

  private static final TriggerId TRIGGER = new TriggerId();

  @Test
  void aSavepointFlinkFailedFailsWithFlinksReason() {
    assertThatThrownBy(
            () ->
                awaitWith(
                    () ->
                        new SavepointStatus(
                            true,
                            null,
                            "CheckpointException: Checkpoint Coordinator is suspending.")))
        .isInstanceOf(SavepointAwaiter.SavepointFailedException.class)
        .hasMessage("Savepoint failed: CheckpointException: Checkpoint Coordinator is suspending.");
  }

  @Test
  void aTriggerFlinkDoesNotKnowIsReportedAsUnknown() {
    assertThatThrownBy(
            () ->
                awaitWith(
                    () -> {
                      throw new FlinkRequestException(404, "Flink answered … with 404", null);
                    }))
        .hasMessageStartingWith("Flink does not know the savepoint trigger " + TRIGGER);
  }

  @Test
  void anotherRefusalIsNotBlamedOnAnUnknownTrigger() {
    assertThatThrownBy(
            () ->
                awaitWith(
                    () -> {
                      throw new FlinkRequestException(500, "Flink answered … with 500", null);
                    }))
        .hasMessage(
            "Flink gave no outcome of the savepoint trigger "
                + TRIGGER
                + ": Flink answered … with 500");
  }

  private static void awaitWith(Supplier<SavepointStatus> answer) throws InterruptedException {
    try (FlinkRestClient flink =
        new FlinkRestClient(
            URI.create("http://localhost:1"), Duration.ofSeconds(1), Duration.ofSeconds(1)) {
          @Override
          public SavepointStatus savepointStatus(JobID jobId, TriggerId triggerId) {
            return answer.get();
          }
        }) {
      new SavepointAwaiter(flink)
          .await(new JobID(), TRIGGER, Instant.now().plusSeconds(30), path -> {});
    }
  }
}
