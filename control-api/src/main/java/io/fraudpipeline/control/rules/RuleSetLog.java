package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.kafka.TopicTail;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.model.RuleSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current rule set, as the fraud job sees it: read back from the compacted rules topic with the
 * wire contract's {@link FraudJson#parseRuleSet}, keeping, like the job, the valid rule set of the
 * highest version; {@link RuleSet#DEFAULT} while the topic holds none.
 */
final class RuleSetLog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RuleSetLog.class);

  private final TopicTail tail;
  private volatile RuleSet current = RuleSet.DEFAULT;

  RuleSetLog(TopicTail tail) {
    this.tail = tail;
  }

  /** Reads what was published since the last call and returns the current rule set. */
  RuleSet latest() {
    tail.catchUp(this::apply);
    return current;
  }

  /** The rule set as of the last read, without asking Kafka. */
  RuleSet cached() {
    return current;
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return;
    }
    ParseResult<RuleSet> result = FraudJson.parseRuleSet(record.value());
    if (result instanceof ParseResult.Valid<RuleSet> valid) {
      if (valid.value().version() > current.version()) {
        current = valid.value();
      }
    } else if (result instanceof ParseResult.Invalid<RuleSet> invalid) {
      log.warn(
          "Ignoring the rule set at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          invalid.reason());
    }
  }

  @Override
  public void close() {
    tail.close();
  }
}
