package io.fraudpipeline.control.savepoints;

import io.fraudpipeline.control.kafka.CompactedTopic;
import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicsProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The savepoint history, kept in a compacted Kafka topic keyed by savepoint path: it outlives
 * restarts of the control plane and of Flink, and every control-plane instance sees the same one.
 * Each read goes to the topic (it is small), so nothing here can drift from it.
 */
@Component
public class SavepointHistory implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SavepointHistory.class);
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

  private final CompactedTopic<SavepointRecord> topic;

  public SavepointHistory(
      TopicsProperties topics,
      Admin admin,
      ReadCommittedConsumers consumers,
      KafkaProperties kafka) {
    this.topic =
        new CompactedTopic<>(
            topics.savepoints(),
            "savepoint history",
            SavepointRecord.class,
            "control-api-savepoints",
            topics.replicationFactor(),
            admin,
            consumers,
            kafka,
            WRITE_TIMEOUT,
            topics.readTimeout());
  }

  /** Records a completed savepoint; returns once Kafka has it. */
  public void append(SavepointRecord record) {
    topic.put(record.path(), record);
    log.info("Savepoint {} of job {} recorded ({})", record.path(), record.jobId(), record.kind());
  }

  /** Removes a savepoint from the history (a tombstone); returns once Kafka has it. */
  public void remove(String path) {
    topic.remove(path);
    log.info("Savepoint {} removed from the history", path);
  }

  /** The recorded savepoint with this {@link SavepointRecord#id()}, if any. */
  public Optional<SavepointRecord> find(String id) {
    return list().stream().filter(r -> r.id().equals(id)).findFirst();
  }

  /** Every recorded savepoint, newest first. */
  public List<SavepointRecord> list() {
    List<SavepointRecord> records = new ArrayList<>(topic.readAll().values());
    records.sort(Comparator.comparing(SavepointRecord::createdAt).reversed());
    return records;
  }

  /** The newest recorded savepoint, if any. */
  public Optional<SavepointRecord> latest() {
    return list().stream().findFirst();
  }

  @Override
  public void close() {
    topic.close();
  }
}
