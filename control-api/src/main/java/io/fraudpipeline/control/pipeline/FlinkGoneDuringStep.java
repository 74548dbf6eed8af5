package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.flink.FlinkUnavailableException;

/**
 * Flink stopped answering in the middle of a step after the step had recorded progress that must
 * not be lost (a job's submission intent): the reconciler keeps {@link #progress()} and waits for
 * Flink, as it does for any step Flink went away during.
 */
final class FlinkGoneDuringStep extends RuntimeException {

  private final transient PipelineStatus progress;

  FlinkGoneDuringStep(PipelineStatus progress, FlinkUnavailableException cause) {
    super(cause.getMessage(), cause);
    this.progress = progress;
  }

  PipelineStatus progress() {
    return progress;
  }
}
