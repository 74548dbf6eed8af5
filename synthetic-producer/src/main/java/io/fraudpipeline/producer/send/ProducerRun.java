package io.fraudpipeline.producer.send;

import io.fraudpipeline.producer.generate.GeneratorSettings;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A producer run in progress, started by {@link SyntheticProducer#start}. Thread-safe: any thread
 * may watch or stop it.
 */
public interface ProducerRun {

  /** The settings the run was started with. */
  RunSettings settings();

  /**
   * The generator settings in use, with the start time resolved: passing the same seed and start
   * time again reproduces this run's records byte for byte.
   */
  GeneratorSettings generatorSettings();

  /** A snapshot of the counters, taken now. */
  RunProgress progress();

  /**
   * Asks the run to stop and returns at once. The run sends no new record, waits until every record
   * in flight is acknowledged or has failed, then ends as {@link RunState#STOPPED}. Calling it
   * again, or after the run ended, does nothing.
   */
  void stop();

  /**
   * Waits for the run to end.
   *
   * @return true when it ended within the timeout
   */
  boolean awaitCompletion(Duration timeout) throws InterruptedException;

  /** Completes with the final progress when the run ends; cancelling it does not stop the run. */
  CompletableFuture<RunProgress> completion();
}
