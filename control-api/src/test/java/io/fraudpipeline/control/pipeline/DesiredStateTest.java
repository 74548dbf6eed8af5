package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.model.FraudJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DesiredStateTest {

  private static final Instant AT = Instant.parse("2026-12-08T01:00:00Z");

  private static final PipelineSpec SPEC =
      new PipelineSpec(
          PipelineState.RUNNING,
          1,
          DeliveryGuarantee.EXACTLY_ONCE,
          UpgradeMode.SAVEPOINT,
          SuspendMode.SAVEPOINT,
          true,
          null,
          false,
          "a".repeat(64));

  @Test
  void aRollbackVersionCarriesTheJarItRejectsThroughItsJson() {
    DesiredState rollback =
        new DesiredState(3, "p", SPEC, 1, AT, "reconciler (cp-a)", "rollback of …")
            .rollingBack("b".repeat(64));

    byte[] written = FraudJson.mapper().writeValueAsBytes(rollback);

    assertThat(new String(written, StandardCharsets.UTF_8))
        .contains("\"rollback_of\":\"" + "b".repeat(64) + "\"");
    assertThat(FraudJson.mapper().readValue(written, DesiredState.class)).isEqualTo(rollback);
  }

  @Test
  void aVersionNoRollbackWroteSaysNoneAndReadsBackWithout() {
    DesiredState edited = new DesiredState(2, "p", SPEC, 1, AT, "ops", "PATCH /api/v1/pipeline");

    byte[] written = FraudJson.mapper().writeValueAsBytes(edited);

    assertThat(new String(written, StandardCharsets.UTF_8)).doesNotContain("rollback_of");
    assertThat(FraudJson.mapper().readValue(written, DesiredState.class).rollbackOf()).isNull();
    assertThat(edited.next(SPEC, false, AT, "ops", "PATCH").rollbackOf()).isNull();
  }
}
