package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.fraudpipeline.control.events.PipelineEvent;
import io.fraudpipeline.control.events.RecordedEvents;
import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.jobs.TestingJobProperties;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DesiredStateWriterTest {

  final AtomicReference<DesiredState> latest = new AtomicReference<>();
  final RecordedEvents events = new RecordedEvents();
  final DesiredStateWriter writer =
      new DesiredStateWriter(log(), events, TestingJobProperties.of());

  @Test
  void announcesARestorePathOnlyWithTheVersionThatAsksForIt() {
    PipelineSpec restore =
        new PipelineSpec(
            PipelineState.RUNNING,
            1,
            DeliveryGuarantee.EXACTLY_ONCE,
            UpgradeMode.SAVEPOINT,
            SuspendMode.SAVEPOINT,
            true,
            "file:/savepoints/savepoint-1",
            false,
            null);

    writer.propose(Optional.empty(), restore, true, "ops", "POST /api/v1/jobs");
    writer.changeSpec("ops", "PATCH /api/v1/pipeline", spec -> spec.withParallelism(2));

    assertThat(events.all())
        .extracting(PipelineEvent::message)
        .satisfiesExactly(
            first -> assertThat(first).endsWith("from savepoint file:/savepoints/savepoint-1"),
            second ->
                assertThat(second)
                    .contains("parallelism 2")
                    .doesNotContain("savepoint-1")
                    .doesNotContain("from"));
  }

  private DesiredStateLog log() {
    DesiredStateLog log = mock(DesiredStateLog.class);
    when(log.current()).thenAnswer(call -> Optional.ofNullable(latest.get()));
    when(log.propose(any()))
        .thenAnswer(
            call -> {
              latest.set(call.getArgument(0));
              return latest.get();
            });
    return log;
  }
}
