package io.fraudpipeline.control.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FieldProblemTest {

  @Test
  void summaryNamesTheOneInvalidFieldOrCountsThem() {
    FieldProblem rate = new FieldProblem("rate_per_second", "must be at least 1");
    FieldProblem seed = new FieldProblem("seed", "must be a number");

    assertThat(FieldProblem.summary(List.of(rate)))
        .isEqualTo("Invalid field 'rate_per_second': must be at least 1");
    assertThat(FieldProblem.summary(List.of(rate, seed))).isEqualTo("2 fields are invalid");
    assertThat(FieldProblem.summary(List.of())).isEqualTo("The request is invalid");
  }
}
