package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.jobs.Observation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineViewsTest {

  @Test
  void anUpgradeReasonNamesOnlyTheSettingsThatChange() {
    FraudJob job = running(2, DeliveryGuarantee.EXACTLY_ONCE);

    assertThat(PipelineViews.settingsChanged(job, spec(1, DeliveryGuarantee.EXACTLY_ONCE)))
        .isEqualTo("parallelism 2 → 1");
    assertThat(PipelineViews.settingsChanged(job, spec(2, DeliveryGuarantee.AT_LEAST_ONCE)))
        .isEqualTo("exactly-once → at-least-once");
    assertThat(PipelineViews.settingsChanged(job, spec(3, DeliveryGuarantee.AT_LEAST_ONCE)))
        .isEqualTo("parallelism 2 → 3, exactly-once → at-least-once");
  }

  @Test
  void observedIsThereWhetherAJobRunsNoneRunsOrFlinkDoesNotAnswer() {
    Instant at = Instant.parse("2026-12-07T08:00:00Z");
    FraudJob job = running(2, DeliveryGuarantee.EXACTLY_ONCE);
    FraudJob cancelled =
        FraudJob.withoutDetails("k", "fraud-detection", "CANCELED", Instant.EPOCH, at, null, at);

    assertThat(PipelineViews.observed(observation(at, true, job, cancelled))).isSameAs(job);

    FraudJob none = PipelineViews.observed(observation(at, true, cancelled));
    assertThat(none.state()).isEqualTo("NONE");
    assertThat(none.jobId()).isNull();
    assertThat(none.observedAt()).isEqualTo(at);

    FraudJob unknown = PipelineViews.observed(observation(at, false));
    assertThat(unknown.state()).isEqualTo("UNKNOWN");
    assertThat(unknown.observedAt()).isEqualTo(at);
  }

  @Test
  void noUpgradeIsAvailableOnAReplicaShippingAJarThePipelineWasUpgradedAwayFrom() {
    String shipped = "a".repeat(64);
    FraudJob job = running(2, DeliveryGuarantee.EXACTLY_ONCE);
    DesiredState wanted =
        new DesiredState(
            3, "pipeline-1", spec(2, DeliveryGuarantee.EXACTLY_ONCE), 1, Instant.EPOCH, "t", "t");
    PipelineStatus.Builder upgraded = PipelineStatus.initial().toBuilder();
    upgraded.jobId = job.jobId();
    upgraded.jobJarSha256 = "b".repeat(64);
    upgraded.upgradedAwayFrom(shipped, upgraded.jobJarSha256);

    UpgradeView view = PipelineViews.upgradeView("auto", shipped, wanted, job, upgraded.build());

    assertThat(view.available()).isFalse();
    assertThat(view.reasons())
        .singleElement()
        .asString()
        .contains("the pipeline was upgraded away from it")
        .contains("not offered again");
    assertThat(view.supersededJars()).containsExactly(shipped);
  }

  @Test
  void noUpgradeIsAvailableWhenTheOnlyJarOnOfferIsOneAnUpgradeWasRolledBackFrom() {
    // Probe 8 (P8-4): `available` stayed true for good after the shipped jar's upgrade was rolled
    // back, though auto mode never takes that jar again.
    String shipped = "b".repeat(64);
    String running = "a".repeat(64);
    FraudJob job = running(2, DeliveryGuarantee.EXACTLY_ONCE);
    DesiredState wanted =
        new DesiredState(
            3, "pipeline-1", spec(2, DeliveryGuarantee.EXACTLY_ONCE), 1, Instant.EPOCH, "t", "t");
    PipelineStatus.Builder onRunning = PipelineStatus.initial().toBuilder();
    onRunning.jobId = job.jobId();
    onRunning.jobJarSha256 = running;
    PipelineStatus.Builder rolledBack = onRunning.build().toBuilder();
    rolledBack.rejectedJars = List.of(shipped);

    UpgradeView offered =
        PipelineViews.upgradeView("auto", shipped, wanted, job, onRunning.build());
    UpgradeView rejected =
        PipelineViews.upgradeView("auto", shipped, wanted, job, rolledBack.build());

    assertThat(offered.available()).isTrue();
    assertThat(rejected.available()).isFalse();
    assertThat(rejected.reasons())
        .singleElement()
        .asString()
        .contains("an upgrade to it was rolled back")
        .contains("not offered again");
    assertThat(rejected.rejectedJars()).containsExactly(shipped);

    DesiredState rescaled =
        new DesiredState(
            4, "pipeline-1", spec(3, DeliveryGuarantee.EXACTLY_ONCE), 1, Instant.EPOCH, "t", "t");
    assertThat(
            PipelineViews.upgradeView("auto", shipped, rescaled, job, rolledBack.build())
                .available())
        .as("other settings are still an upgrade")
        .isTrue();
  }

  private static Observation observation(Instant at, boolean reachable, FraudJob... jobs) {
    return new Observation(
        at, reachable, reachable ? null : "refused", null, List.of(jobs), List.of());
  }

  private static FraudJob running(int parallelism, DeliveryGuarantee guarantee) {
    return new FraudJob(
        "j",
        "fraud-detection",
        "RUNNING",
        Instant.EPOCH,
        null,
        null,
        parallelism,
        guarantee,
        0L,
        null,
        List.of(),
        null,
        Map.of(),
        null,
        Instant.EPOCH);
  }

  private static PipelineSpec spec(int parallelism, DeliveryGuarantee guarantee) {
    return new PipelineSpec(
        PipelineState.RUNNING,
        parallelism,
        guarantee,
        UpgradeMode.SAVEPOINT,
        SuspendMode.SAVEPOINT,
        true,
        null,
        false,
        null);
  }
}
