package io.fraudpipeline.control.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The job jars this control plane can run, kept by checksum in {@code fraud.job.jar-store}: the one
 * it ships, and every one it ran before. An upgrade that fails rolls back to the previous jar,
 * which a newer release of the control plane no longer embeds, so it must come from here; Flink's
 * own uploads do not survive a JobManager restart.
 */
@Component
public class JobJars {

  private static final Logger log = LoggerFactory.getLogger(JobJars.class);

  private final Path directory;
  private final EmbeddedJobJar shipped;
  private final String defaultEntryClass;

  @Autowired
  JobJars(JobProperties properties, EmbeddedJobJar shipped) {
    this(Path.of(properties.jarStore().strip()), shipped, properties.entryClass());
  }

  JobJars(Path directory, EmbeddedJobJar shipped, String defaultEntryClass) {
    this.directory = directory;
    this.shipped = shipped;
    this.defaultEntryClass = defaultEntryClass;
    if (shipped.isPresent()) {
      keep(shipped);
    }
  }

  private void keep(EmbeddedJobJar jar) {
    Path target = directory.resolve(JobJar.fileName(jar.sha256()));
    try {
      Files.createDirectories(directory);
      if (!Files.exists(target)) {
        // Copied under a temporary name and moved, so a reader never sees half a jar.
        Path partial = Files.createTempFile(directory, ".incoming-", ".jar");
        Files.copy(jar.file(), partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        log.info("Job jar {} kept in {}", JobJar.shortSha(jar.sha256()), directory);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot keep the job jar in " + directory + " (fraud.job.jar-store)", e);
    }
  }

  /** The jar this control plane ships (embedded or {@code fraud.job.jar-file}). */
  public Optional<JobJar> shipped() {
    return shipped.isPresent()
        ? Optional.of(new JobJar(shipped.sha256(), shipped.file(), shipped.entryClass()))
        : Optional.empty();
  }

  /** The checksum of the shipped jar, or null when this build has none. */
  public String shippedSha256() {
    return shipped.isPresent() ? shipped.sha256() : null;
  }

  /** The jar with this checksum, if it is kept. */
  public Optional<JobJar> find(String sha256) {
    if (sha256 == null) {
      return shipped();
    }
    if (shipped.isPresent() && sha256.equals(shipped.sha256())) {
      return shipped();
    }
    Path file = directory.resolve(JobJar.fileName(sha256));
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(new JobJar(sha256, file, entryClassOf(file)));
  }

  /** The jar with this checksum; fails when it is not kept. */
  public JobJar require(String sha256) {
    if (sha256 == null && !shipped.isPresent()) {
      shipped.file(); // says this build has no jar, and how to build one
    }
    return find(sha256)
        .orElseThrow(() -> new JarNotAvailableException(sha256, directory.toString()));
  }

  /** Whether a jar with this checksum can be run. */
  public boolean contains(String sha256) {
    return find(sha256).isPresent();
  }

  private String entryClassOf(Path file) {
    try (JarFile jar = new JarFile(file.toFile())) {
      String main =
          jar.getManifest() == null
              ? null
              : jar.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
      return main == null || main.isBlank() ? defaultEntryClass : main.strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the job jar " + file, e);
    }
  }
}
