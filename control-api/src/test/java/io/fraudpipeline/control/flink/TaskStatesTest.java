package io.fraudpipeline.control.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.execution.ExecutionState;
import org.junit.jupiter.api.Test;

/** Task counts as Flink's job details give them per vertex. */
class TaskStatesTest {

  @Test
  void aVertexFlinkCallsRunningWithASubtaskStillWaitingIsNotEveryTaskRunning() {
    // Flink's aggregate state of this vertex is RUNNING: one of its subtasks runs.
    TaskStates tasks =
        TaskStates.of(
            List.of(
                Map.of(ExecutionState.RUNNING, 1, ExecutionState.SCHEDULED, 1),
                Map.of(ExecutionState.RUNNING, 2)),
            true);

    assertThat(tasks.everyTaskRunning()).isFalse();
    assertThat(tasks.merelyStarting()).isTrue();
    assertThat(tasks.describe()).isEqualTo("3 of 4 tasks running, 1 waiting for a slot");
  }

  @Test
  void tasksWaitingForSlotsTheClusterDoesNotHaveAreNotMerelyStarting() {
    TaskStates tasks =
        TaskStates.of(
            List.of(Map.of(ExecutionState.RUNNING, 1, ExecutionState.SCHEDULED, 1)), false);

    assertThat(tasks.merelyStarting()).isFalse();
    assertThat(tasks.describe()).contains("the cluster has none free");
  }

  @Test
  void deployingAndInitialisingTasksAreStartingAndAFailingOneIsNot() {
    TaskStates starting =
        TaskStates.of(
            List.of(Map.of(ExecutionState.DEPLOYING, 1, ExecutionState.INITIALIZING, 2)), false);
    TaskStates failing =
        TaskStates.of(
            List.of(Map.of(ExecutionState.INITIALIZING, 1, ExecutionState.FAILED, 1)), true);

    assertThat(starting.merelyStarting()).isTrue();
    assertThat(starting.describe()).isEqualTo("0 of 3 tasks running, 3 deploying or initializing");
    assertThat(failing.merelyStarting()).isFalse();
  }

  @Test
  void everyTaskRunningOrFinishedCanTakeASavepoint() {
    TaskStates tasks =
        TaskStates.of(
            List.of(Map.of(ExecutionState.RUNNING, 2), Map.of(ExecutionState.FINISHED, 1)), false);

    assertThat(tasks.everyTaskRunning()).isTrue();
    assertThat(tasks.merelyStarting()).isFalse();
  }
}
