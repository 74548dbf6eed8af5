package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Replicas running different builds must derive the same JobID for the same step, or the fencing
 * fails: the expected ids were computed outside Java (Python's hashlib.sha256, first 32 hex
 * digits).
 */
class JobIdsTest {

  @Test
  void derivesTheSameIdEveryBuildDoes() {
    assertThat(JobIds.derive("pipeline-1", 3, null)).isEqualTo("4f48faa490940392073cf54693eb19e0");
    assertThat(JobIds.derive("pipeline-1", 4, "0123456789abcdef0123456789abcdef"))
        .isEqualTo("59570e95ea4cdc2d7d272f258eb100e3");
  }
}
