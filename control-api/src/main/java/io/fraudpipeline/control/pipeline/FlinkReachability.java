package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;

/**
 * Whether Flink answered the reconciler when it last asked, said in an event when that changes:
 * {@code FlinkUnreachable} once as Flink stops answering (an observation, or a step it stopped
 * answering during), {@code FlinkReachable} once as an observation is answered again.
 */
final class FlinkReachability {

  private final EventRecorder events;
  private final ReconcileSteps steps;

  /** Null until Flink was first asked. */
  private Boolean answered;

  FlinkReachability(EventRecorder events, ReconcileSteps steps) {
    this.events = events;
    this.steps = steps;
  }

  /** An observation Flink did not answer: nothing is changed until it does. */
  void unobservable(String error, String jobId) {
    if (!Boolean.FALSE.equals(answered)) {
      events.warning(
          EventReason.FLINK_UNREACHABLE,
          "Flink cannot be observed (" + error + "); nothing is changed until it can",
          jobId);
    }
    answered = false;
  }

  /** An observation Flink answered. */
  void observed(String jobId) {
    if (Boolean.FALSE.equals(answered)) {
      events.normal(EventReason.FLINK_REACHABLE, "Flink answers again", jobId);
    }
    answered = true;
  }

  /**
   * Flink stopped answering during the step (a JobManager restarting answers 503 while it elects
   * its leader): not a failure of the step, which an operation waiting for it would end on. The
   * step waits, keeping {@code progress} (what it recorded before, such as a deployment's intent),
   * and the next pass Flink answers carries on from what it then observes.
   */
  PipelineStatus goneDuringStep(PipelineStatus progress, String why) {
    if (!Boolean.FALSE.equals(answered)) {
      events.warning(
          EventReason.FLINK_UNREACHABLE,
          "Flink stopped answering during the step towards version "
              + progress.desiredVersion()
              + " ("
              + why
              + "); it is taken again once Flink answers",
          progress.jobId());
    }
    answered = false;
    return steps.withStep(
        progress, "wait", "Flink stopped answering during the step (" + why + "); waiting for it");
  }
}
