package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.jobs.Observation;
import io.fraudpipeline.control.topics.ConsumerLag;
import io.fraudpipeline.control.topics.LagStatus;
import io.fraudpipeline.control.topics.OffsetsObservation;
import io.fraudpipeline.control.topics.OffsetsPoller;
import io.fraudpipeline.control.topics.PartitionLag;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The health components whose verdict depends on the desired state: {@code lag}, {@code fraudJob}.
 */
class DesiredStateHealthTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  @Test
  void aStalledGroupIsDownWhileThePipelineShouldRun() {
    Health health = health(PipelineState.RUNNING, checkpointed("job-b", "job-b"));

    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails())
        .containsEntry("status", "STALLED")
        .doesNotContainKey("suspended");
  }

  @Test
  void aStalledGroupIsExpectedWhileThePipelineIsSuspended() {
    Health health = health(PipelineState.SUSPENDED, checkpointed("job-a", "job-a"));

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails())
        .containsEntry("status", "STALLED")
        .containsEntry("suspended", true);
  }

  @Test
  void aStalledGroupIsExpectedUntilAResumedJobCompletesItsFirstCheckpoint() {
    // Resumed from the suspended job's savepoint: its group commits at its first checkpoint.
    Health health = health(PipelineState.RUNNING, checkpointed("job-b", "job-a"));

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails())
        .containsEntry("status", "STALLED")
        .containsEntry("starting", true);
  }

  @Test
  void noJobWhileThePipelineIsSuspendedIsSuspendedNotUndeployed() {
    Health health = fraudJobWithoutJob(desired(PipelineState.SUSPENDED));

    assertThat(health.getStatus().getCode()).isEqualTo("SUSPENDED");
    assertThat(health.getDetails()).containsEntry("desired_version", 2L);
  }

  @Test
  void noJobWhileThePipelineShouldRunIsNotDeployed() {
    assertThat(fraudJobWithoutJob(desired(PipelineState.RUNNING)).getStatus().getCode())
        .isEqualTo("NOT_DEPLOYED");
    assertThat(fraudJobWithoutJob(null).getStatus().getCode()).isEqualTo("NOT_DEPLOYED");
  }

  private static Health fraudJobWithoutJob(DesiredState desired) {
    FraudJobObserver observer = mock(FraudJobObserver.class);
    when(observer.current())
        .thenReturn(new Observation(NOW, true, null, null, List.of(), List.of()));
    PipelineFollower follower = mock(PipelineFollower.class);
    when(follower.snapshot()).thenReturn(new PipelineFollower.Snapshot(desired, null, NOW, null));
    return new FraudJobHealthIndicator(observer, follower).health();
  }

  /** A status expecting {@code jobId}, whose last state {@code stateOf} wrote. */
  private static PipelineStatus checkpointed(String jobId, String stateOf) {
    PipelineStatus.Builder status = PipelineStatus.initial().toBuilder();
    status.jobId = jobId;
    status.lastState =
        new RestorePoint(
            "file:/checkpoints/" + stateOf + "/chk-1", RestorePoint.Kind.CHECKPOINT, NOW, stateOf);
    return status.build();
  }

  private static Health health(PipelineState state, PipelineStatus status) {
    OffsetsPoller poller = mock(OffsetsPoller.class);
    when(poller.current()).thenReturn(stalled());
    PipelineFollower follower = mock(PipelineFollower.class);
    when(follower.snapshot())
        .thenReturn(new PipelineFollower.Snapshot(desired(state), status, NOW, null));
    return new LagHealthIndicator(poller, follower).health();
  }

  private static OffsetsObservation stalled() {
    PartitionLag partition = new PartitionLag(0, 10L, 500L, 490L, 120.0, 0L, LagStatus.STALLED);
    ConsumerLag lag =
        new ConsumerLag(
            "fraud-detection",
            "transactions",
            LagStatus.STALLED,
            490,
            120.0,
            0,
            List.of(partition),
            Map.of());
    return new OffsetsObservation(NOW, true, null, NOW, List.of(), lag);
  }

  private static DesiredState desired(PipelineState state) {
    PipelineSpec spec =
        new PipelineSpec(
            state,
            1,
            DeliveryGuarantee.EXACTLY_ONCE,
            UpgradeMode.SAVEPOINT,
            SuspendMode.SAVEPOINT,
            true,
            null,
            false,
            null);
    return new DesiredState(2, "pipeline", spec, 1, NOW, "ops", "PATCH /api/v1/pipeline");
  }
}
