package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink's default savepoint directory, read from the JobManager's configuration the first time it
 * answers and kept: a JobManager started again comes with the same configuration.
 */
final class FlinkSavepointDirectory implements Supplier<Optional<String>> {

  /** The key, and the key it had before Flink 2.0 (still read by Flink). */
  static final String KEY = "execution.checkpointing.savepoint-dir";

  static final String OLD_KEY = "state.savepoints.dir";

  private static final Logger log = LoggerFactory.getLogger(FlinkSavepointDirectory.class);

  private final Supplier<Map<String, String>> configuration;
  private volatile Optional<String> known;

  FlinkSavepointDirectory(Supplier<Map<String, String>> configuration) {
    this.configuration = configuration;
  }

  @Override
  public Optional<String> get() {
    Optional<String> directory = known;
    if (directory != null) {
      return directory;
    }
    try {
      Map<String, String> config = configuration.get();
      String value = config.getOrDefault(KEY, config.get(OLD_KEY));
      directory = value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
      known = directory;
      return directory;
    } catch (FlinkUnavailableException | FlinkRequestException e) {
      log.info("Flink's savepoint directory is unknown for now: {}", e.getMessage());
      return Optional.empty();
    }
  }
}
