package io.fraudpipeline.control.backtests;

import io.fraudpipeline.control.errors.ConcurrencyLimitException;
import io.fraudpipeline.control.flink.FreeSlots;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.flink.FlinkRestClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;

/**
 * Whether one more backtest may run, counted over every replica: fewer than {@code
 * fraud.backtests.max-concurrent} in progress (else 429), and Flink's free slots holding its
 * parallelism beside the backtests accepted before it whose jobs do not hold their slots yet (else
 * 409). Given the backtests recorded before it in the operations topic ({@link
 * io.fraudpipeline.control.operations.Operations#claim}), the later of two sent to two replicas at
 * once counts the earlier, whose job Flink may not have placed yet: before, both saw the same free
 * slots, both were accepted, and the second waited for a slot.
 */
final class BacktestAdmission {

  private final FlinkRestClient flink;
  private final FreeSlots freeSlots;
  private final BacktestProperties properties;

  BacktestAdmission(FlinkRestClient flink, FreeSlots freeSlots, BacktestProperties properties) {
    this.flink = flink;
    this.freeSlots = freeSlots;
    this.properties = properties;
  }

  /**
   * @param inProgress operations in progress on any replica (recorded before the new backtest)
   * @throws ConcurrencyLimitException when as many backtests are in progress as allowed
   * @throws io.fraudpipeline.control.errors.StateConflictException when Flink has too few free
   *     slots for it beside those reserved
   */
  void admit(List<Operation> inProgress) {
    List<Operation> backtests =
        inProgress.stream().filter(op -> op.kind() == OperationKind.BACKTEST).toList();
    if (backtests.size() >= properties.maxConcurrent()) {
      throw new ConcurrencyLimitException(
          backtests.size()
              + " backtests are in progress (on all control-plane replicas), the most allowed"
              + " (fraud.backtests.max-concurrent); try again when one has ended",
          Map.of("max_concurrent", properties.maxConcurrent()));
    }
    if (freeSlots.onDemand()) {
      return;
    }
    List<Operation> waiting = withoutTheirSlots(backtests);
    int parallelism = properties.parallelism();
    freeSlots.requireBeside(
        parallelism,
        parallelism * waiting.size(),
        "backtests accepted before it whose jobs do not hold their slots yet ("
            + waiting.stream().map(Operation::id).collect(Collectors.joining(", "))
            + ")",
        "A backtest (fraud.backtests.parallelism " + parallelism + ")");
  }

  /**
   * The backtests whose Flink jobs will yet take slots: not submitted yet, or with tasks still
   * waiting for one. Read before the free slots: a job that takes its slots in between is counted
   * twice (a refusal too many), never not at all.
   */
  private List<Operation> withoutTheirSlots(List<Operation> backtests) {
    if (backtests.isEmpty()) {
      return List.of();
    }
    Map<String, JobDetails> jobs = new HashMap<>();
    for (JobDetails job : flink.jobsOverview()) {
      jobs.put(job.getJobId().toHexString(), job);
    }
    return backtests.stream().filter(op -> awaitsSlots(jobs.get(op.jobId()))).toList();
  }

  /** Whether a backtest's job (null: Flink does not know it yet) is still to take slots. */
  static boolean awaitsSlots(JobDetails job) {
    if (job == null) {
      return true;
    }
    if (job.getStatus().isGloballyTerminalState()) {
      return false;
    }
    int[] tasks = job.getTasksPerState();
    return job.getNumTasks() == 0
        || tasks[ExecutionState.CREATED.ordinal()] + tasks[ExecutionState.SCHEDULED.ordinal()] > 0;
  }
}
