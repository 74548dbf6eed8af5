package io.fraudpipeline.control.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.model.FraudJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The float readers, which no request body uses yet (DocumentedAnswersTest covers the doubles
 * through the API): a float field refuses NaN and Infinity as a double field does.
 */
class FiniteNumbersTest {

  private static final JsonMapper JSON =
      FraudJson.strictScalars(JsonMapper.builder()).addModule(FiniteNumbers.module()).build();

  record Floats(float primitive, Float wrapper) {}

  /** Both fields, {@code field} with {@code value}, the other 1. */
  private static Floats read(String field, String value) {
    String other = "primitive".equals(field) ? "wrapper" : "primitive";
    return JSON.readValue("{\"" + field + "\": " + value + ", \"" + other + "\": 1}", Floats.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"primitive", "wrapper"})
  void aFloatFieldRefusesNanAndInfinityAsStrings(String field) {
    for (String value : new String[] {"NaN", "Infinity", "-Infinity"}) {
      assertThatThrownBy(() -> read(field, "\"" + value + "\""))
          .isInstanceOf(MismatchedInputException.class)
          .hasMessageContaining("Cannot read String value (\"" + value + "\") as a number");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"primitive", "wrapper"})
  void aNumberTooLargeForAFloatIsOutOfRange(String field) {
    // Within a double's range, so only the float reader sees Infinity.
    assertThatThrownBy(() -> read(field, "1e39"))
        .isInstanceOf(InputCoercionException.class)
        .hasMessageContaining("Numeric value out of range of");
  }

  @ParameterizedTest
  @ValueSource(strings = {"primitive", "wrapper"})
  void aFiniteFloatIsRead(String field) {
    Floats read = read(field, "3.4e38");
    assertThat("primitive".equals(field) ? read.primitive() : read.wrapper()).isEqualTo(3.4e38f);
  }
}
