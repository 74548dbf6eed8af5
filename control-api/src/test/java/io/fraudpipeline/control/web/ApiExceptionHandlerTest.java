package io.fraudpipeline.control.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiExceptionHandlerTest {

  @Test
  void namesFieldsAsTheJsonDoes() {
    assertThat(ApiExceptionHandler.snakePath("parallelism")).isEqualTo("parallelism");
    assertThat(ApiExceptionHandler.snakePath("deliveryGuarantee")).isEqualTo("delivery_guarantee");
    assertThat(ApiExceptionHandler.snakePath("restore.savepointPath"))
        .isEqualTo("restore.savepoint_path");
    assertThat(ApiExceptionHandler.snakePath("thresholds[2].maxTransactions"))
        .isEqualTo("thresholds[2].max_transactions");
  }

  @Test
  void givesEveryStatusAStableType() {
    assertThat(ProblemType.forStatus(404).uri().toString())
        .isEqualTo("https://fraud-pipeline.dev/problems/not-found");
    assertThat(ProblemType.forStatus(418)).isEqualTo(ProblemType.INTERNAL);
  }
}
