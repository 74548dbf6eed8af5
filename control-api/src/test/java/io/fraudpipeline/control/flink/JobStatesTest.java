package io.fraudpipeline.control.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobStatesTest {

  @Test
  void finishedCanceledAndFailedJobsHaveEnded() {
    assertThat(JobStates.isGloballyTerminal("FINISHED")).isTrue();
    assertThat(JobStates.isGloballyTerminal("CANCELED")).isTrue();
    assertThat(JobStates.isGloballyTerminal("FAILED")).isTrue();
  }

  @Test
  void everyOtherStateIsActive() {
    for (String state :
        new String[] {
          "INITIALIZING",
          "CREATED",
          "RUNNING",
          "FAILING",
          "CANCELLING",
          "RESTARTING",
          "SUSPENDED",
          "RECONCILING",
          "SOMETHING_NEW"
        }) {
      assertThat(JobStates.isGloballyTerminal(state)).as(state).isFalse();
    }
    assertThat(JobStates.isGloballyTerminal(null)).isFalse();
  }
}
