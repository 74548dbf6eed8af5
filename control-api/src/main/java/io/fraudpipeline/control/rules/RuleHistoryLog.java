package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.kafka.TopicTail;
import io.fraudpipeline.model.FraudJson;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * The rules history, read from its append-only topic; the latest {@code limit} changes in memory.
 */
final class RuleHistoryLog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RuleHistoryLog.class);

  private final TopicTail tail;
  private final int limit;
  private final Deque<RuleChange> changes = new ArrayDeque<>();

  RuleHistoryLog(TopicTail tail, int limit) {
    this.tail = tail;
    this.limit = limit;
  }

  /** The latest changes, newest first, after reading what was published since the last call. */
  synchronized List<RuleChange> latest(int max) {
    tail.catchUp(this::apply);
    List<RuleChange> result = new ArrayList<>();
    Iterator<RuleChange> newestFirst = changes.descendingIterator();
    while (newestFirst.hasNext() && result.size() < max) {
      result.add(newestFirst.next());
    }
    return List.copyOf(result);
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return;
    }
    try {
      changes.addLast(FraudJson.mapper().readValue(record.value(), RuleChange.class));
      if (changes.size() > limit) {
        changes.removeFirst();
      }
    } catch (JacksonException e) {
      log.warn(
          "Ignoring the unreadable history entry at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getOriginalMessage());
    }
  }

  @Override
  public void close() {
    tail.close();
  }
}
