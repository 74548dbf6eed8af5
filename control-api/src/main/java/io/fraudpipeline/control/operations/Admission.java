package io.fraudpipeline.control.operations;

import java.util.List;

/**
 * Whether a new operation may run beside the operations in progress recorded before it in the
 * operations topic, on any replica ({@link Operations#claim}): one at a time per job ({@link
 * Exclusion}), or as many as a limit or Flink's free slots allow (backtests).
 */
@FunctionalInterface
public interface Admission {

  /**
   * Refuses the new operation by throwing (e.g. a 409 naming the operation in its way); returns to
   * let it run.
   *
   * @param inProgress the operations recorded before it and still in progress, oldest first
   */
  void admit(List<Operation> inProgress);
}
