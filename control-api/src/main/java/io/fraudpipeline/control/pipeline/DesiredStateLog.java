package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.kafka.CompactedTopic;
import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicsProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The desired state's versions, in a one-partition compacted Kafka topic shared by every replica.
 * Kafka has no compare-and-set, so the topic holds proposals, each naming the version it is based
 * on, and every reader folds them the same way in offset order: a proposal is accepted when it is
 * based on the version accepted just before it, and ignored otherwise. A writer appends, reads back
 * and learns whether its proposal won; two replicas changing the same version concurrently cannot
 * both win. Each proposal has its own key, so compaction keeps them all: the history is the topic.
 */
@Component
public class DesiredStateLog implements AutoCloseable {

  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * One proposed change.
   *
   * @param id unique id, the record key
   * @param basedOn the version it changes (0 for the first)
   * @param state the proposed state, its version {@code basedOn + 1}
   */
  record Proposal(String id, long basedOn, DesiredState state) {}

  private final CompactedTopic<Proposal> topic;

  @Autowired
  public DesiredStateLog(
      TopicsProperties topics,
      Admin admin,
      ReadCommittedConsumers consumers,
      KafkaProperties kafka) {
    this(
        new CompactedTopic<>(
            topics.pipeline(),
            "pipeline desired state",
            Proposal.class,
            "control-api-pipeline",
            topics.replicationFactor(),
            admin,
            consumers,
            kafka,
            WRITE_TIMEOUT,
            topics.readTimeout()));
  }

  /** On {@code topic}; null for a log that keeps its proposals elsewhere (a test's, in memory). */
  DesiredStateLog(CompactedTopic<Proposal> topic) {
    this.topic = topic;
  }

  /** The accepted state, if any was ever declared. */
  public Optional<DesiredState> current() {
    List<DesiredState> accepted = fold(null);
    return accepted.isEmpty() ? Optional.empty() : Optional.of(accepted.get(accepted.size() - 1));
  }

  /** Every accepted version, newest first. */
  public List<DesiredState> history() {
    List<DesiredState> accepted = new ArrayList<>(fold(null));
    Collections.reverse(accepted);
    return accepted;
  }

  /**
   * Proposes {@code next} as the version after {@code next.version() - 1}.
   *
   * @return the accepted state
   * @throws StaleDesiredStateException when another change was accepted first
   */
  public DesiredState propose(DesiredState next) {
    Proposal proposal = new Proposal(UUID.randomUUID().toString(), next.version() - 1, next);
    append(proposal);
    Set<String> accepted = new HashSet<>();
    List<DesiredState> states = fold(accepted);
    if (accepted.contains(proposal.id())) {
      return next;
    }
    throw new StaleDesiredStateException(
        next.version() - 1, states.isEmpty() ? null : states.get(states.size() - 1));
  }

  /** Folds the proposals in offset order; collects the accepted ids if asked. */
  private List<DesiredState> fold(Set<String> acceptedIds) {
    List<DesiredState> accepted = new ArrayList<>();
    long version = 0;
    for (Proposal proposal : proposals()) {
      if (proposal.basedOn() == version
          && proposal.state() != null
          && proposal.state().version() == version + 1) {
        accepted.add(proposal.state());
        version++;
        if (acceptedIds != null) {
          acceptedIds.add(proposal.id());
        }
      }
    }
    return accepted;
  }

  /** Appends a proposal; returns once Kafka has it. */
  void append(Proposal proposal) {
    topic.put(proposal.id(), proposal);
  }

  /** Every proposal, in offset order. */
  Collection<Proposal> proposals() {
    return topic.readAll().values();
  }

  @Override
  public void close() {
    topic.close();
  }
}
