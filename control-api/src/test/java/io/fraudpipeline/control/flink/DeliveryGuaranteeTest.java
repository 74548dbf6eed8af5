package io.fraudpipeline.control.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeliveryGuaranteeTest {

  @Test
  void readsTheJobsSpellingAndTheEnumsSpelling() {
    assertThat(DeliveryGuarantee.parse("exactly-once")).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(DeliveryGuarantee.parse("EXACTLY_ONCE")).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(DeliveryGuarantee.parse(" at-least-once "))
        .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    assertThat(DeliveryGuarantee.AT_LEAST_ONCE.argument()).isEqualTo("at-least-once");
  }

  @Test
  void namesTheValidChoicesForAnythingElse() {
    assertThatThrownBy(() -> DeliveryGuarantee.parse("sometimes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly-once or at-least-once");
  }
}
