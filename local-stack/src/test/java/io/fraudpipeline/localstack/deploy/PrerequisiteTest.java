package io.fraudpipeline.localstack.deploy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class PrerequisiteTest {

  @Test
  void aMissingPrerequisiteFailsUnderCi() {
    assertThatThrownBy(() -> Prerequisite.require(true, false, "promtool is not installed"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("promtool is not installed")
        .hasMessageContaining("CI=true");
  }

  @Test
  void aMissingPrerequisiteSkipsOutsideCi() {
    assertThatThrownBy(() -> Prerequisite.require(false, false, "promtool is not installed"))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("promtool is not installed");
  }

  @Test
  void aPrerequisiteThatIsMetNeitherSkipsNorFails() {
    assertThatCode(() -> Prerequisite.require(true, true, "unused")).doesNotThrowAnyException();
    assertThatCode(() -> Prerequisite.require(false, true, "unused")).doesNotThrowAnyException();
  }
}
