package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.jobs.FraudJob;
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
