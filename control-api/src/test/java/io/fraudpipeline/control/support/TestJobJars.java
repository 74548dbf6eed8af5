package io.fraudpipeline.control.support;

import io.fraudpipeline.control.jobs.EmbeddedJobJar;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Other releases of the fraud job jar, built from the embedded one, for upgrade tests. */
public final class TestJobJars {

  private TestJobJars() {}

  /** The embedded jar with one more file: another checksum, the same job. */
  public static Path anotherBuild(Path directory, String label) {
    return copy(
        directory.resolve("fraud-job-" + label + ".jar"),
        null,
        jar -> Files.writeString(jar.getPath("META-INF/fraud-pipeline-build.txt"), label));
  }

  /** The embedded jar started by {@link BrokenFraudJob}: its tasks fail as they start. */
  public static Path brokenBuild(Path directory) {
    return withMainClass(directory.resolve("fraud-job-broken.jar"), BrokenFraudJob.class);
  }

  /**
   * The embedded jar started by {@link PoisonedFraudJob}: the real job until a transaction whose id
   * contains {@link PoisonedFraudJob#POISON} comes, then failing on it at every restart.
   */
  public static Path poisonedBuild(Path directory) {
    return withMainClass(directory.resolve("fraud-job-poisoned.jar"), PoisonedFraudJob.class);
  }

  /**
   * The embedded jar started by {@code main}, a test class copied into it with its own and those of
   * {@link RealFraudJob}, which it builds on (all in this package).
   */
  private static Path withMainClass(Path target, Class<?> main) {
    Set<String> copied = Set.of(main.getSimpleName(), RealFraudJob.class.getSimpleName());
    return copy(
        target,
        main.getName(),
        jar -> {
          Path classes = testClasses();
          String prefix = main.getName().replace('.', '/');
          Path packageDir = classes.resolve(prefix).getParent();
          try (Stream<Path> files = Files.list(packageDir)) {
            for (Path file : files.toList()) {
              String name = file.getFileName().toString();
              String outer = name.replaceFirst("[$.].*", "");
              if (copied.contains(outer)) {
                Path entry = jar.getPath(classes.relativize(file).toString());
                Files.createDirectories(entry.getParent());
                Files.copy(file, entry);
              }
            }
          }
        });
  }

  /** The embedded jar naming an entry class it does not hold: Flink refuses to run it. */
  public static Path withoutItsEntryClass(Path directory) {
    return copy(
        directory.resolve("fraud-job-no-entry-class.jar"),
        "io.fraudpipeline.job.NotInThisJar",
        jar -> {});
  }

  private interface Extra {
    void write(FileSystem jar) throws IOException;
  }

  /**
   * The embedded jar, copied as it is, then changed in place as a zip file system: the entries left
   * alone are carried over compressed as they are. Re-compressing every entry of the 27 MB jar
   * instead took seconds of CPU per build.
   */
  private static Path copy(Path target, String mainClass, Extra extra) {
    try (InputStream embedded =
        TestJobJars.class.getClassLoader().getResourceAsStream(EmbeddedJobJar.RESOURCE)) {
      Files.createDirectories(target.getParent());
      Files.copy(embedded, target, StandardCopyOption.REPLACE_EXISTING);
      try (FileSystem jar = FileSystems.newFileSystem(target)) {
        if (mainClass != null) {
          Path manifestFile = jar.getPath(JarFile.MANIFEST_NAME);
          Manifest manifest;
          try (InputStream in = Files.newInputStream(manifestFile)) {
            manifest = new Manifest(in);
          }
          manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
          try (OutputStream out = Files.newOutputStream(manifestFile)) {
            manifest.write(out);
          }
        }
        extra.write(jar);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path testClasses() {
    try {
      return Path.of(
          BrokenFraudJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
