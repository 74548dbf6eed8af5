package io.fraudpipeline.producer.cli;

import io.fraudpipeline.producer.send.RunProgress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** A redrawn progress bar of acknowledged records, for a terminal. */
final class ProgressBarDisplay implements ProgressDisplay {

  private final ProgressBar bar;

  /**
   * @param expectedRecords the records the run should send, or -1 when unknown
   */
  ProgressBarDisplay(long expectedRecords) {
    this.bar =
        new ProgressBarBuilder()
            .setTaskName("acknowledged")
            .setInitialMax(expectedRecords)
            .setUpdateIntervalMillis(250)
            .continuousUpdate()
            .showSpeed()
            .build();
  }

  @Override
  public void update(RunProgress progress) {
    bar.stepTo(progress.acknowledged());
    bar.setExtraMessage(
        progress.failed() > 0 ? "failed " + progress.failed() : "in flight " + progress.inFlight());
  }

  @Override
  public void close() {
    bar.close();
  }
}
