package io.fraudpipeline.control.events;

/**
 * Where the control plane's decisions and observations are told. Recording never throws and never
 * blocks for long: an event that cannot be stored is logged, and the decision it describes goes on.
 */
public interface EventRecorder {

  /** Records a {@link PipelineEvent.Type#NORMAL} event. */
  default void normal(String reason, String message, String jobId) {
    record(PipelineEvent.Type.NORMAL, reason, message, jobId);
  }

  /** Records a {@link PipelineEvent.Type#WARNING} event (also sent to webhooks). */
  default void warning(String reason, String message, String jobId) {
    record(PipelineEvent.Type.WARNING, reason, message, jobId);
  }

  void record(PipelineEvent.Type type, String reason, String message, String jobId);
}
