package io.fraudpipeline.control.pipeline;

/**
 * What a step that deploys says: its action in the status and the event it raises once Flink took
 * the job (a warning where a job was lost or failed, so it reaches the webhooks as one).
 *
 * @param action the step's action, e.g. {@code deploy}, {@code restore}, {@code rollback}
 * @param reason the event's reason ({@link io.fraudpipeline.control.events.EventReason})
 * @param warning whether the event is a warning
 * @param message what happened, without the job's id (added once it is known)
 */
record StepEvent(String action, String reason, boolean warning, String message) {

  static StepEvent normal(String action, String reason, String message) {
    return new StepEvent(action, reason, false, message);
  }

  static StepEvent warning(String action, String reason, String message) {
    return new StepEvent(action, reason, true, message);
  }
}
