package io.fraudpipeline.control.savepoints;

import io.fraudpipeline.control.errors.NotFoundException;
import io.fraudpipeline.control.errors.StateConflictException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The savepoint history as the API and a restore see it: each savepoint with its id, whether it can
 * be restored without loss, and whether the control plane still needs it.
 */
@Component
public class SavepointCatalog {

  private final SavepointHistory history;
  private final Restorability restorability;
  private final ObjectProvider<SavepointPins> pins;
  private final SavepointDisposer disposer;

  public SavepointCatalog(
      SavepointHistory history,
      Restorability restorability,
      ObjectProvider<SavepointPins> pins,
      SavepointDisposer disposer) {
    this.history = history;
    this.restorability = restorability;
    this.pins = pins;
    this.disposer = disposer;
  }

  /**
   * The newest {@code limit} savepoints, newest first, judged against the offsets poller's last
   * sample as {@code GET /api/v1/pipeline} judges its last state: a listing waits for no Kafka
   * round trip (nor for the admin timeout while Kafka is down: then unknown).
   */
  public List<SavepointView> list(int limit) {
    List<SavepointRecord> all = history.list();
    Function<Map<Integer, Long>, RestoreSafety> assess = restorability.lastSampleAssessor();
    Map<String, String> pinned = pinned();
    return all.subList(0, Math.min(limit, all.size())).stream()
        .map(r -> SavepointView.of(r, assess.apply(r.transactionsOffsets()), pinned.get(r.path())))
        .toList();
  }

  /**
   * Why {@code path} is no savepoint or checkpoint, when the control plane can see so: see {@link
   * SavepointFiles}; {@code lastState} is the pipeline's last checkpoint or savepoint, if any.
   */
  public Optional<String> visiblyMissing(String path, String lastState) {
    List<String> written = new ArrayList<>();
    history.list().forEach(r -> written.add(r.path()));
    if (lastState != null) {
      written.add(lastState);
    }
    return SavepointFiles.visiblyMissing(path, written);
  }

  /**
   * Every savepoint another part still needs: path → why (reasons joined when more than one part
   * needs it).
   */
  public Map<String, String> pinned() {
    Map<String, String> pinned = new LinkedHashMap<>();
    pins.orderedStream()
        .flatMap(p -> p.pins().stream())
        .forEach(p -> pinned.merge(p.path(), p.reason(), (a, b) -> a + "; " + b));
    return pinned;
  }

  /**
   * Disposes of the savepoint with this id and removes it from the history.
   *
   * @throws NotFoundException if there is no such savepoint
   * @throws StateConflictException when another part still needs it
   */
  public SavepointRecord delete(String id) throws InterruptedException {
    SavepointRecord savepoint =
        history
            .find(id)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "No savepoint "
                            + id
                            + " in the history (GET /api/v1/savepoints lists them with their ids)"));
    String pinnedBy = pinned().get(savepoint.path());
    if (pinnedBy != null) {
      throw new StateConflictException(
          "Savepoint " + id + " is still needed and is not deleted: " + pinnedBy,
          Map.of("savepoint_id", id, "path", savepoint.path(), "pinned_by", pinnedBy));
    }
    disposer.dispose(savepoint, "deleted on request");
    return savepoint;
  }

  /**
   * The savepoint {@code restore: {latest: true}} restores: the newest one not known to lose
   * records (unknown restorability counts as restorable, as before offsets were kept).
   *
   * @return the choice and the newer savepoints it skipped; empty choice when none qualifies
   */
  public LatestChoice latestRestorable() {
    Function<Map<Integer, Long>, RestoreSafety> assess = restorability.assessor();
    return choose(history.list(), r -> assess.apply(r.transactionsOffsets()));
  }

  /** The first of the newest-first history not known to lose records, and those skipped. */
  static LatestChoice choose(
      List<SavepointRecord> newestFirst, Function<SavepointRecord, RestoreSafety> safety) {
    List<SavepointView> skipped = new ArrayList<>();
    for (SavepointRecord r : newestFirst) {
      RestoreSafety assessed = safety.apply(r);
      if (!assessed.unsafe()) {
        return new LatestChoice(Optional.of(r), List.copyOf(skipped));
      }
      skipped.add(SavepointView.of(r, assessed, null));
    }
    return new LatestChoice(Optional.empty(), List.copyOf(skipped));
  }

  /**
   * @param chosen the savepoint to restore, if any qualifies
   * @param skipped newer savepoints whose records Kafka already deleted
   */
  public record LatestChoice(Optional<SavepointRecord> chosen, List<SavepointView> skipped) {}
}
