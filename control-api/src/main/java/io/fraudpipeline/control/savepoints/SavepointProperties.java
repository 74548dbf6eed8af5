package io.fraudpipeline.control.savepoints;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where savepoints go and how long the control plane waits for one.
 *
 * @param directory the savepoint target directory passed to Flink (a URI Flink can write, e.g.
 *     {@code file:///var/lib/flink/savepoints} or {@code s3://bucket/savepoints}); empty means
 *     Flink's own {@code execution.checkpointing.savepoint-dir}
 * @param deadlineMargin added to the job's checkpoint timeout to get an operation's deadline
 */
@Validated
@ConfigurationProperties("fraud.savepoints")
public record SavepointProperties(String directory, @NotNull Duration deadlineMargin) {

  /** Whether a directory was configured; otherwise Flink must have a default one. */
  public boolean hasDirectory() {
    return directory != null && !directory.isBlank();
  }
}
