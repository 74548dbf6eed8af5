package io.fraudpipeline.control.backtests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The names a backtest gives its job and topic, and only those, are taken for a backtest's. */
class AbandonedBacktestsTest {

  private static final String ID = "0b7c5e0e-8f6a-4f0e-9d7c-2b1f6e4a9c31";

  @Test
  void readsTheOperationIdOfABacktestJobOrTopic() {
    assertThat(
            AbandonedBacktests.operationId(
                Backtests.jobName("fraud-detection", ID), Backtests.jobName("fraud-detection", "")))
        .isEqualTo(ID);
    assertThat(AbandonedBacktests.operationId("fraud-backtest-" + ID, "fraud-backtest-"))
        .isEqualTo(ID);
  }

  @Test
  void ignoresNamesThatOnlyStartLikeABacktestsOwn() {
    assertThat(AbandonedBacktests.operationId("fraud-backtest-results", "fraud-backtest-"))
        .isNull();
    assertThat(AbandonedBacktests.operationId("fraud-backtest-" + ID + "-copy", "fraud-backtest-"))
        .isNull();
    assertThat(AbandonedBacktests.operationId("fraud-detection", "fraud-backtest-")).isNull();
    assertThat(AbandonedBacktests.operationId(null, "fraud-backtest-")).isNull();
  }
}
