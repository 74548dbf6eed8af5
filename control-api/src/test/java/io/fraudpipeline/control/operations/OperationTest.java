package io.fraudpipeline.control.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperationTest {

  private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void theDesiredVersionItWaitsForIsKeptThroughEveryLaterChange() {
    Operation accepted =
        new Operation(
            "op-1",
            OperationKind.RESCALE,
            "a".repeat(32),
            OperationState.IN_PROGRESS,
            START,
            START.plusSeconds(300),
            null,
            null,
            null,
            null,
            List.of(),
            null,
            null,
            "cp-a",
            null);

    Operation waiting = accepted.withDesiredVersion(7);
    Operation done =
        waiting
            .withStep(new OperationStep(START.plusSeconds(1), "stopped with a savepoint"))
            .withSavepointPath("file:/sp/1")
            .completed(START.plusSeconds(9), "b".repeat(32));

    assertThat(waiting)
        .usingRecursiveComparison()
        .ignoringFields("desiredVersion")
        .isEqualTo(accepted);
    assertThat(waiting.desiredVersion()).isEqualTo(7L);
    assertThat(done.desiredVersion()).isEqualTo(7L);
    assertThat(done.replica()).isEqualTo("cp-a");
    assertThat(done.savepointPath()).isEqualTo("file:/sp/1");
  }
}
