package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.model.FieldError;
import io.fraudpipeline.model.FraudJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class PipelineSpecDocumentsTest {

  private static final PipelineSpec DEFAULTS = ReplicaReconciler.running("pipeline", 1).spec();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "99999999999999999999",
        "9223372036854775808",
        "4294967297",
        "0",
        "-1",
        "65",
        "2.5"
      })
  void refusesAParallelismThatIsNoWholeNumberWithinTheLimitAsAFieldProblem(String parallelism) {
    JsonNode document = FraudJson.mapper().readTree("{\"parallelism\": " + parallelism + "}");

    InvalidInputException refused =
        catchThrowableOfType(
            InvalidInputException.class,
            () -> PipelineSpecDocuments.read(document, DEFAULTS, 64, jar -> false));

    assertThat(refused).as(parallelism).isNotNull();
    assertThat(refused.errors()).extracting(FieldError::field).containsExactly("parallelism");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 64})
  void readsAParallelismWithinTheLimit(int parallelism) {
    JsonNode document = FraudJson.mapper().readTree("{\"parallelism\": " + parallelism + "}");

    assertThat(PipelineSpecDocuments.read(document, DEFAULTS, 64, jar -> false).parallelism())
        .isEqualTo(parallelism);
  }
}
