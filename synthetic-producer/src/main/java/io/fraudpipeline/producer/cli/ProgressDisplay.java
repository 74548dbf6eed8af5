package io.fraudpipeline.producer.cli;

import io.fraudpipeline.producer.send.RunProgress;

/** Shows a run's progress while it goes on. */
interface ProgressDisplay extends AutoCloseable {

  /** Called often (every 200 ms); a display decides itself how often to show something. */
  void update(RunProgress progress);

  /** Ends the display; the final summary is printed separately. Safe to call twice. */
  @Override
  void close();

  /** Shows nothing. */
  ProgressDisplay NONE =
      new ProgressDisplay() {
        @Override
        public void update(RunProgress progress) {}

        @Override
        public void close() {}
      };
}
