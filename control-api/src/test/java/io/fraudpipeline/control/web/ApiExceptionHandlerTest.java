package io.fraudpipeline.control.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.flink.FlinkRequestException;
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
  void quotesFlinksStatusOnlyWhenFlinkAnsweredWithOne() {
    ApiExceptionHandler handler = new ApiExceptionHandler();
    var refused =
        handler.handleFlinkRefusal(new FlinkRequestException(404, "Flink answered 404", null));
    var failedLater =
        handler.handleFlinkRefusal(
            FlinkRequestException.operationFailed("Flink could not dispose of savepoint x"));

    assertThat(refused.getStatusCode().value()).isEqualTo(502);
    assertThat(refused.getBody().getProperties()).containsEntry("flink_status", 404);
    assertThat(failedLater.getStatusCode().value()).isEqualTo(502);
    var properties = failedLater.getBody().getProperties();
    assertThat(properties == null || !properties.containsKey("flink_status"))
        .as("flink_status in " + properties)
        .isTrue();
  }

  @Test
  void givesEveryStatusAStableType() {
    assertThat(ProblemType.forStatus(404).uri().toString())
        .isEqualTo("https://fraud-pipeline.dev/problems/not-found");
    assertThat(ProblemType.forStatus(418)).isEqualTo(ProblemType.INTERNAL);
  }
}
