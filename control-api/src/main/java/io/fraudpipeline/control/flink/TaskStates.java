package io.fraudpipeline.control.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.execution.ExecutionState;

/**
 * Where an active job's tasks (every subtask of every vertex) are on their way to running, counted
 * from the per-vertex task states of Flink's job details. A vertex's own state says less: Flink
 * calls it RUNNING as soon as one of its subtasks runs, while the others may still wait for a slot.
 *
 * @param waiting tasks without a slot yet ({@code CREATED}, {@code SCHEDULED})
 * @param starting tasks given a slot and starting ({@code DEPLOYING}, {@code INITIALIZING}: state
 *     being restored, sources and sinks opening)
 * @param running tasks {@code RUNNING}
 * @param finished tasks {@code FINISHED}
 * @param other tasks failing, cancelled or being reconciled ({@code FAILED}, {@code CANCELING},
 *     {@code CANCELED}, {@code RECONCILING})
 * @param slotsFree whether the cluster had a free task slot when they were counted: whether a
 *     waiting task can get one
 */
public record TaskStates(
    int waiting, int starting, int running, int finished, int other, boolean slotsFree) {

  /**
   * A job whose JobMaster is not there yet (the job {@code INITIALIZING}): no task is known, none
   * runs.
   */
  public static TaskStates unknownYet(boolean slotsFree) {
    return new TaskStates(0, 0, 0, 0, 0, slotsFree);
  }

  /** Every task running: what a savepoint, or a checkpoint, needs. */
  public static TaskStates allRunning(int tasks) {
    return new TaskStates(0, 0, tasks, 0, 0, true);
  }

  /** Adds up the task counts of each of a job's vertices. */
  public static TaskStates of(Iterable<Map<ExecutionState, Integer>> perVertex, boolean slotsFree) {
    int waiting = 0;
    int starting = 0;
    int running = 0;
    int finished = 0;
    int other = 0;
    for (Map<ExecutionState, Integer> vertex : perVertex) {
      for (Map.Entry<ExecutionState, Integer> count : vertex.entrySet()) {
        int n = count.getValue() == null ? 0 : count.getValue();
        switch (count.getKey()) {
          case CREATED, SCHEDULED -> waiting += n;
          case DEPLOYING, INITIALIZING -> starting += n;
          case RUNNING -> running += n;
          case FINISHED -> finished += n;
          default -> other += n;
        }
      }
    }
    return new TaskStates(waiting, starting, running, finished, other, slotsFree);
  }

  public int total() {
    return waiting + starting + running + finished + other;
  }

  /**
   * Whether every task runs (a finished one does not stand in the way of a checkpoint): the job can
   * take a savepoint.
   */
  public boolean everyTaskRunning() {
    return running > 0 && running + finished == total();
  }

  /**
   * Whether the tasks that do not run yet are merely on their way: starting, or waiting for a slot
   * the cluster has free; none failing or cancelled. A job whose tasks wait for slots that are not
   * there (too few TaskManagers, one lost) is not.
   */
  public boolean merelyStarting() {
    return !everyTaskRunning() && other == 0 && (waiting == 0 || slotsFree);
  }

  /** For messages, e.g. "1 of 3 tasks running, 2 deploying or initializing". */
  public String describe() {
    if (total() == 0) {
      return "no task deployed yet";
    }
    List<String> parts = new ArrayList<>();
    parts.add(running + " of " + total() + " tasks running");
    if (starting > 0) {
      parts.add(starting + " deploying or initializing");
    }
    if (waiting > 0) {
      parts.add(
          waiting + " waiting for a slot" + (slotsFree ? "" : " (the cluster has none free)"));
    }
    if (finished > 0) {
      parts.add(finished + " finished");
    }
    if (other > 0) {
      parts.add(other + " failing or cancelled");
    }
    return String.join(", ", parts);
  }
}
