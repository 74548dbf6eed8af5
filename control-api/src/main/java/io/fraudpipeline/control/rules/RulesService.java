package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.errors.VersionMismatchException;
import io.fraudpipeline.control.json.JsonBodies;
import io.fraudpipeline.control.json.JsonMergePatch;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.versioning.ExpectedVersion;
import io.fraudpipeline.model.FieldError;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.RuleSetValidator;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Reads and changes the rule set with optimistic concurrency, across replicas. A change holds a
 * lock, claims the rules writer ({@link RulesPublisher}: one replica at a time may commit),
 * re-reads the latest version from Kafka, checks the version the client based the change on against
 * it, validates the result with the wire contract's {@link RuleSetValidator} and publishes it with
 * its history entry in one transaction; the answer is read back from the topic. A replica that
 * another one fenced before it committed reads and checks again, so of two changes based on one
 * version one is published and the other answers 412.
 */
@Service
class RulesService {

  private static final Logger log = LoggerFactory.getLogger(RulesService.class);

  /** Tries of a change that other replicas' changes keep fencing, before it answers 409. */
  private static final int WRITE_ATTEMPTS = 3;

  private final RuleSetLog rules;
  private final RuleHistoryLog history;
  private final RulesPublisher publisher;
  private final AppliedRulesVersion applied;
  private final RulesProperties properties;
  private final RuleChangeCheckpoint commitCheckpoint;
  private final Clock clock = Clock.systemUTC();
  private final ReentrantLock lock = new ReentrantLock(true);

  RulesService(
      RuleSetLog rules,
      RuleHistoryLog history,
      RulesPublisher publisher,
      AppliedRulesVersion applied,
      RulesProperties properties,
      RuleChangeCheckpoint commitCheckpoint) {
    this.rules = rules;
    this.history = history;
    this.publisher = publisher;
    this.applied = applied;
    this.properties = properties;
    this.commitCheckpoint = commitCheckpoint;
  }

  RulesState current() {
    return new RulesState(kafka(rules::latest), applied.current());
  }

  List<RuleChange> history(int limit) {
    return kafka(() -> history.latest(limit));
  }

  /** PUT: the body is the whole set of rule parameters. */
  RulesState replace(ExpectedVersion expected, String body, String actor) {
    JsonNode document = JsonBodies.parse(body);
    return change(RuleChange.REPLACE, expected, actor, current -> document);
  }

  /** PATCH: the body is a JSON merge patch (RFC 7396) of the current rule parameters. */
  RulesState mergePatch(ExpectedVersion expected, String body, String actor) {
    JsonNode patch = JsonBodies.parse(body);
    return change(
        RuleChange.MERGE_PATCH,
        expected,
        actor,
        current -> JsonMergePatch.apply(RuleDocuments.editable(current), patch));
  }

  private RulesState change(
      String operation,
      ExpectedVersion expected,
      String actor,
      Function<RuleSet, JsonNode> newDocument) {
    acquireLock();
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          return changeOnce(operation, expected, actor, newDocument);
        } catch (RulesPublisher.WriterFencedException e) {
          if (attempt == WRITE_ATTEMPTS) {
            throw new StateConflictException(
                "Other control-plane replicas kept changing the rules at the same time; retry in a"
                    + " moment");
          }
          log.info("Another replica claimed the rules writer; reading the rules again");
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** One try: claims the writer, then reads, checks and publishes (see {@link RulesPublisher}). */
  private RulesState changeOnce(
      String operation,
      ExpectedVersion expected,
      String actor,
      Function<RuleSet, JsonNode> newDocument) {
    // A stale If-Match, or Kafka not answering, is told before this replica fences the others.
    requireExpected(expected, kafka(rules::latest));
    claimWriter();
    RuleSet current = kafka(rules::latest);
    requireExpected(expected, current);
    RuleSetBody body = RuleSetBodies.read(newDocument.apply(current));
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    RuleSet next = body.toRuleSet(current.version() + 1, now, actor);
    List<FieldError> errors = RuleSetValidator.forWriting().validate(next);
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    List<FieldChange> changes = RuleDocuments.changes(current, next);
    if (changes.isEmpty()) {
      return new RulesState(current, applied.current());
    }
    RuleChange change =
        new RuleChange(next.version(), current.version(), now, actor, operation, changes, next);
    publish(next, change);
    awaitReadBack(next.version());
    commitCheckpoint.afterChange(next.version());
    log.info(
        "Rules version {} published by {} ({}): {}",
        next.version(),
        actor,
        operation,
        changes.stream().map(FieldChange::field).toList());
    return new RulesState(next, applied.current());
  }

  private static void requireExpected(ExpectedVersion expected, RuleSet current) {
    if (!expected.matches(current.version())) {
      throw new VersionMismatchException(
          "The rules are at version "
              + current.version()
              + ", not the one in If-Match: read them again (GET /api/v1/rules) and retry",
          Map.of("current_version", current.version()));
    }
  }

  private void claimWriter() {
    try {
      publisher.claim();
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new KafkaUnavailableException(
          "Kafka did not let this replica write the rules: " + rootMessage(e), e);
    }
  }

  private void publish(RuleSet next, RuleChange change) {
    try {
      publisher.publish(next, change);
    } catch (RulesPublisher.WriterFencedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new KafkaUnavailableException(
          "Kafka did not confirm rules version "
              + next.version()
              + " ("
              + rootMessage(e)
              + "). The rule set and its history entry are written together or not at all:"
              + " GET /api/v1/rules shows whether it was",
          e);
    }
  }

  /**
   * Waits until the rules topic shows the version: the transaction's commit markers reach the
   * partitions shortly after the commit returns, and until then read_committed readers (the next
   * writer's re-read, the job) do not see it.
   */
  private void awaitReadBack(long version) {
    long deadline = System.nanoTime() + properties.publishTimeout().toNanos();
    while (kafka(rules::latest).version() < version) {
      if (System.nanoTime() > deadline) {
        throw new KafkaUnavailableException(
            "Kafka committed rules version "
                + version
                + " but it is not readable yet; GET /api/v1/rules shows when it is");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaUnavailableException("Interrupted reading back the rules");
      }
    }
  }

  private void acquireLock() {
    try {
      if (!lock.tryLock(properties.publishTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new StateConflictException(
            "Another rule change is being published; retry in a moment");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StateConflictException("Interrupted while waiting for another change");
    }
  }

  /** Runs a Kafka read; Kafka not answering is a 503, not a 500. */
  private static <T> T kafka(Supplier<T> read) {
    try {
      return read.get();
    } catch (org.apache.kafka.common.KafkaException | org.springframework.kafka.KafkaException e) {
      throw new KafkaUnavailableException(
          "Kafka did not answer reading the rules: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
