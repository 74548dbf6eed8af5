package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Defaults for deploying the embedded fraud job; a deploy request may override parallelism and
 * delivery guarantee.
 *
 * @param name the Flink job name; the control plane recognises its job among Flink's by it
 * @param parallelism the default parallelism
 * @param maxParallelism the highest parallelism a deploy or rescale may ask for
 * @param deliveryGuarantee the default delivery guarantee of the job's Kafka sink
 * @param checkpointInterval how often the job checkpoints (and commits its Kafka transactions)
 * @param entryClass the job's main class, used when the embedded jar's manifest names none
 * @param jarFile a job jar to ship instead of the embedded one (a patched build); empty: the
 *     embedded jar
 * @param jarStore the directory keeping every job jar this control plane ran, by checksum, so a
 *     failed upgrade can go back to the previous one; put it on a volume every replica shares
 */
@Validated
@ConfigurationProperties("fraud.job")
public record JobProperties(
    @NotBlank String name,
    @Min(1) @Max(1024) int parallelism,
    @Min(1) @Max(1024) int maxParallelism,
    @NotNull DeliveryGuarantee deliveryGuarantee,
    @NotNull Duration checkpointInterval,
    @NotBlank String entryClass,
    String jarFile,
    @NotBlank String jarStore) {

  /** Whether a jar file replaces the embedded jar. */
  public boolean hasJarFile() {
    return jarFile != null && !jarFile.isBlank();
  }
}
