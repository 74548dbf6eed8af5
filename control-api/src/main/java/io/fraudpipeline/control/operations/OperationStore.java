package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.kafka.CompactedTopic;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicsProperties;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The durable copy of the operations: a compacted Kafka topic keyed by operation id, so a restarted
 * control plane still answers for the operations of the one before. Writes never throw: Kafka being
 * down must not fail an operation, which is then served from memory only.
 */
@Component
class OperationStore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OperationStore.class);

  private final CompactedTopic<Operation> topic;

  /** Operations whose write failed and were warned about: one warning each, not one per write. */
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  @Autowired
  OperationStore(
      TopicsProperties topics,
      Admin admin,
      ReadCommittedConsumers consumers,
      KafkaProperties kafka) {
    this(
        new CompactedTopic<>(
            topics.operations(),
            "operations",
            Operation.class,
            "control-api-operations",
            topics.replicationFactor(),
            admin,
            consumers,
            kafka,
            // A claim is written then read back while its request waits (a stop, a backtest...):
            // with Kafka gone it answered 503 only once the write expired, after 10 s and more,
            // where every other request answers within the read timeout.
            topics.readTimeout(),
            topics.readTimeout()));
  }

  OperationStore(CompactedTopic<Operation> topic) {
    this.topic = topic;
  }

  /** Writes the operation's current state; says whether Kafka has it. */
  boolean save(Operation operation) {
    try {
      put(operation);
      return true;
    } catch (KafkaUnavailableException e) {
      if (warned.add(operation.id())) {
        log.warn(
            "Operation {} is served from memory only, a restart of the control plane may lose or"
                + " misreport it: {}",
            operation.id(),
            e.getMessage());
      } else {
        log.debug("Operation {} still not recorded: {}", operation.id(), e.getMessage());
      }
      return false;
    }
  }

  /**
   * Writes the operation's current state.
   *
   * @throws KafkaUnavailableException when Kafka does not have it
   */
  void put(Operation operation) {
    topic.put(operation.id(), operation);
  }

  /**
   * Reads the topic back past a new operation, once {@link #put} wrote it: the operations first
   * recorded before it, oldest first, each as last written. The topic has one partition, so every
   * replica that reads it sees the same order, and none of the operations recorded after this one.
   *
   * @throws KafkaUnavailableException when the topic cannot be read, or does not hold it
   */
  List<Operation> readBefore(Operation operation) {
    List<Operation> before = new ArrayList<>();
    for (Operation recorded : load()) {
      if (recorded.id().equals(operation.id())) {
        return before;
      }
      before.add(recorded);
    }
    throw new KafkaUnavailableException(
        "Operation " + operation.id() + " was written but not read back from the operations topic");
  }

  /** Removes an operation from the topic, so it stays as bounded as the memory. */
  void forget(String id) {
    warned.remove(id);
    try {
      remove(id);
    } catch (KafkaUnavailableException e) {
      // The next control plane to load the topic evicts it again.
      log.warn("Cannot remove ended operation {}: {}", id, e.getMessage());
    }
  }

  /**
   * Removes an operation from the topic.
   *
   * @throws KafkaUnavailableException when Kafka does not have the tombstone
   */
  void remove(String id) {
    topic.remove(id);
  }

  /**
   * Every operation in the topic, as last written, in the order they were first written.
   *
   * @throws KafkaUnavailableException when Kafka cannot be read
   */
  Collection<Operation> load() {
    return topic.readAll().values();
  }

  @Override
  public void close() {
    topic.close();
  }
}
