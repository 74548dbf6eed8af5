package io.fraudpipeline.control.operations;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations as recorded in the operations topic, read into what this replica shows ({@link
 * KnownOperations}): those of earlier control planes loaded once, each ended as the {@link
 * AbandonedOperationSettler} says should its replica have stopped; the others' read again when
 * asked for (an operation in progress elsewhere is served with the progress its owner wrote). While
 * Kafka cannot be read, memory answers, and the topic is not asked again for {@link #LOAD_RETRY}.
 */
final class OperationHistory {

  /**
   * A failed load of the operations of earlier control planes is tried again on a later request,
   * but not sooner than this: while Kafka is down each try waits for its timeout
   * (fraud.topics.read-timeout). Short, since a replica that never loaded them answers 503 for the
   * list until it has: at 30 s, it did so for up to 30 s after Kafka was back.
   */
  private static final Duration LOAD_RETRY = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(OperationHistory.class);

  private final KnownOperations known;
  private final OperationStore store;
  private final AbandonedOperationSettler settler;
  private final String replicaId;
  private final Clock clock;
  private final Object loading = new Object();
  private volatile boolean loaded;

  /** Why the last load of the operations topic failed, while none has succeeded. */
  private volatile String loadFailure = "not read yet";

  private Instant nextLoad = Instant.MIN;
  private volatile Instant nextRead = Instant.MIN;

  /**
   * @param replicaId this replica: its own operations are as memory has them, never as read
   */
  OperationHistory(
      KnownOperations known,
      OperationStore store,
      AbandonedOperationSettler settler,
      String replicaId,
      Clock clock) {
    this.known = known;
    this.store = store;
    this.settler = settler;
    this.replicaId = replicaId;
    this.clock = clock;
  }

  /** As {@link Operations#find}. */
  Optional<Operation> find(String id) {
    loadPrevious();
    Operation shown = known.get(id);
    if (shown != null && (shown.state() != OperationState.IN_PROGRESS || known.runsHere(id))) {
      return Optional.of(shown);
    }
    if (shown == null) {
      // Not found by a replica that never read the topic is not "no such operation".
      requireLoaded();
    }
    return readStore()
        .map(all -> all.get(id))
        .map(known::refreshed)
        .or(() -> Optional.ofNullable(shown));
  }

  /** As {@link Operations#list(int)}. */
  List<Operation> list(int limit) {
    loadPrevious();
    refresh();
    return known.newest(limit);
  }

  /** As {@link Operations#listing}. */
  Operations.Listing listing(int limit) {
    loadPrevious();
    requireLoaded();
    boolean read = refresh();
    return new Operations.Listing(known.newest(limit), !read);
  }

  /** As {@link Operations#recorded}. */
  Map<String, Operation> recorded() {
    Map<String, Operation> all = loadById();
    all.keySet().removeIf(known::isWithdrawn);
    known.stream().filter(op -> replicaId.equals(op.replica())).forEach(op -> all.put(op.id(), op));
    return all;
  }

  /**
   * Loads the operations of earlier control planes once. Kafka being down leaves them out (and this
   * control plane's own served from memory) until a later call succeeds.
   */
  void loadPrevious() {
    if (loaded) {
      return;
    }
    synchronized (loading) {
      if (loaded || clock.instant().isBefore(nextLoad)) {
        return;
      }
      Collection<Operation> previous;
      try {
        previous = store.load();
      } catch (KafkaUnavailableException e) {
        loadFailure = e.getMessage();
        nextLoad = clock.instant().plus(LOAD_RETRY);
        log.warn(
            "Cannot load the operations of earlier control planes, trying again in {}: {}",
            LOAD_RETRY,
            e.getMessage());
        return;
      }
      for (Operation operation : previous) {
        // This control plane's own operations may already be in the topic: memory is newer.
        if (!known.contains(operation.id())) {
          known.putIfAbsent(settler.restored(operation));
        }
      }
      loaded = true;
    }
    known.evictOld(true);
  }

  /**
   * @throws KafkaUnavailableException when the operations topic has never been read, so this
   *     replica knows none but its own
   */
  private void requireLoaded() {
    if (!loaded) {
      throw new KafkaUnavailableException(
          "Kafka did not answer reading the operations (this replica has not read them since it"
              + " started): "
              + loadFailure);
    }
  }

  /** Takes in the store's records; says whether it could be read. */
  private boolean refresh() {
    Optional<Map<String, Operation>> read = readStore();
    read.ifPresent(
        all -> {
          all.values().forEach(known::refreshed);
          known.evictOld(true);
        });
    return read.isPresent();
  }

  /**
   * Every operation in the store now, or empty while Kafka cannot be read (then not asked again for
   * {@link #LOAD_RETRY}: each try waits for its timeout, and memory can answer meanwhile).
   */
  private Optional<Map<String, Operation>> readStore() {
    if (clock.instant().isBefore(nextRead)) {
      return Optional.empty();
    }
    try {
      return Optional.of(loadById());
    } catch (KafkaUnavailableException e) {
      nextRead = clock.instant().plus(LOAD_RETRY);
      log.warn(
          "Cannot read the operations of other replicas, serving them from memory for {}: {}",
          LOAD_RETRY,
          e.getMessage());
      return Optional.empty();
    }
  }

  /** Every operation in the store, by id. */
  private Map<String, Operation> loadById() {
    Map<String, Operation> all = new HashMap<>();
    store.load().forEach(op -> all.put(op.id(), op));
    return all;
  }
}
