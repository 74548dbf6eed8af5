package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.errors.IncompleteBuildException;
import io.fraudpipeline.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The fraud job's shaded jar this control plane ships: embedded as a classpath resource by the
 * build, or the file {@code fraud.job.jar-file} names instead. Its SHA-256 is computed once at
 * start-up: it names the jar on Flink (an unchanged jar is uploaded only once) and tells whether
 * the running job is on it (an upgrade is available when not).
 */
@Component
public class EmbeddedJobJar {

  /** Where the build puts the jar (see control-api/pom.xml, maven-dependency-plugin). */
  public static final String RESOURCE = "fraud-job/fraud-job.jar";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedJobJar.class);

  private final String sha256;
  private final long sizeBytes;
  private final String entryClass;
  private final String version;
  private final Path file;

  @Autowired
  public EmbeddedJobJar(JobProperties properties) {
    this(
        properties.hasJarFile()
            ? () -> Files.newInputStream(Path.of(properties.jarFile().strip()))
            : () -> EmbeddedJobJar.class.getClassLoader().getResourceAsStream(RESOURCE),
        properties.hasJarFile() ? properties.jarFile().strip() : RESOURCE,
        properties.entryClass());
  }

  EmbeddedJobJar(ClassLoader loader, String resource, String defaultEntryClass) {
    this(() -> loader.getResourceAsStream(resource), resource, defaultEntryClass);
  }

  /** Opens the jar's bytes; null when there is none. */
  interface Source {
    InputStream open() throws IOException;
  }

  private EmbeddedJobJar(Source source, String resource, String defaultEntryClass) {
    Path extracted = null;
    String digest = null;
    long size = 0;
    String entry = defaultEntryClass;
    String ver = null;
    try (InputStream in = source.open()) {
      if (in == null) {
        log.error(
            "The fraud job jar is not embedded (classpath resource {} missing): deploys will fail."
                + " Build with ./mvnw -pl control-api -am package.",
            resource);
      } else {
        // Flink uploads a file; extract once into a private temporary directory.
        Path dir = Files.createTempDirectory("control-api-job-");
        // deleteOnExit runs in reverse order of registration: the directory must come first, so
        // that it is deleted after (and only once emptied of) the jar.
        dir.toFile().deleteOnExit();
        extracted = dir.resolve("fraud-job.jar");
        size = Files.copy(in, extracted, StandardCopyOption.REPLACE_EXISTING);
        digest = Sha256.hex(extracted);
        // Flink keeps the uploaded file's name: let it carry the checksum.
        extracted = Files.move(extracted, dir.resolve(JobJar.fileName(digest)));
        extracted.toFile().deleteOnExit();
        try (JarFile jar = new JarFile(extracted.toFile())) {
          Manifest manifest = jar.getManifest();
          if (manifest != null) {
            Attributes main = manifest.getMainAttributes();
            String mainClass = main.getValue(Attributes.Name.MAIN_CLASS);
            if (mainClass != null && !mainClass.isBlank()) {
              entry = mainClass.strip();
            }
            ver = main.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
          }
        }
        log.info(
            "Fraud job jar {}: {} bytes, sha256 {}, entry class {}", resource, size, digest, entry);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the embedded fraud job jar " + resource, e);
    }
    this.file = extracted;
    this.sha256 = digest;
    this.sizeBytes = size;
    this.entryClass = entry;
    this.version = ver;
  }

  public boolean isPresent() {
    return file != null;
  }

  /** Hex SHA-256 of the jar, or null when it is not embedded. */
  public String sha256() {
    return sha256;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  public String entryClass() {
    return entryClass;
  }

  /** The jar's {@code Implementation-Version}, or null. */
  public String version() {
    return version;
  }

  /** The jar as a file, for the upload. */
  public Path file() {
    return requirePresent().file;
  }

  private EmbeddedJobJar requirePresent() {
    if (file == null) {
      throw new IncompleteBuildException(
          "This build of the control plane has no embedded fraud job jar ("
              + RESOURCE
              + "); build it with ./mvnw -pl control-api -am package");
    }
    return this;
  }
}
