package io.fraudpipeline.control.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class KafkaCausesTest {

  @Test
  void aWaitThatTimedOutSaysKafkaDidNotAnswerInsteadOfNull() {
    assertThat(KafkaCauses.describe(new TimeoutException()))
        .isEqualTo("TimeoutException: Kafka did not answer in time");
  }

  @Test
  void aFailedCallIsToldByWhatFailedItNotByTheFuturesWrapper() {
    assertThat(
            KafkaCauses.describe(
                new ExecutionException(
                    new org.apache.kafka.common.errors.TimeoutException(
                        "Timed out waiting for a node assignment. Call: listNodes"))))
        .isEqualTo("TimeoutException: Timed out waiting for a node assignment. Call: listNodes");
  }
}
