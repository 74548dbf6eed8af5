package io.fraudpipeline.job.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.job.dlq.DeadLetter;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Instant;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ValidationRouterTest {

  @Test
  void passesValidTransactionsOnAndRejectedRecordsToTheDeadLetterOutput() throws Exception {
    Transaction tx =
        new Transaction(
            "t1", "a1", BigDecimal.TEN, null, null, null, null, Instant.ofEpochMilli(1000));
    DeadLetter letter = new DeadLetter(null, new byte[] {1}, "not valid JSON", "tx", 0, 5, 9);
    try (OneInputStreamOperatorTestHarness<ParsedRecord, Transaction> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(new ValidationRouter())) {
      harness.processElement(new ParsedRecord.Accepted(tx), 1000);
      harness.processElement(new ParsedRecord.Rejected(letter), Long.MIN_VALUE);

      assertThat(harness.extractOutputValues()).containsExactly(tx);
      assertThat(harness.getSideOutput(ValidationRouter.DEAD_LETTERS))
          .extracting(StreamRecord::getValue)
          .singleElement()
          .usingRecursiveComparison()
          .isEqualTo(letter);
    }
  }
}
