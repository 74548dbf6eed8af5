package io.fraudpipeline.control.support;

import io.fraudpipeline.control.jobs.EmbeddedJobJar;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.Deflater;

/** Other releases of the fraud job jar, built from the embedded one, for upgrade tests. */
public final class TestJobJars {

  private TestJobJars() {}

  /** The embedded jar with one more file: another checksum, the same job. */
  public static Path anotherBuild(Path directory, String label) {
    return copy(
        directory.resolve("fraud-job-" + label + ".jar"),
        null,
        out -> {
          out.putNextEntry(new JarEntry("META-INF/fraud-pipeline-build.txt"));
          out.write(label.getBytes(StandardCharsets.UTF_8));
          out.closeEntry();
        });
  }

  /** The embedded jar started by {@link BrokenFraudJob}: its tasks fail as they start. */
  public static Path brokenBuild(Path directory) {
    return copy(
        directory.resolve("fraud-job-broken.jar"),
        BrokenFraudJob.class.getName(),
        out -> {
          Path classes = testClasses();
          String prefix = BrokenFraudJob.class.getName().replace('.', '/');
          Path packageDir = classes.resolve(prefix).getParent();
          try (Stream<Path> files = Files.list(packageDir)) {
            for (Path file : files.toList()) {
              String name = file.getFileName().toString();
              if (name.startsWith(BrokenFraudJob.class.getSimpleName())) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString()));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
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
        out -> {});
  }

  private interface Extra {
    void write(JarOutputStream out) throws IOException;
  }

  private static Path copy(Path target, String mainClass, Extra extra) {
    try (InputStream embedded =
            TestJobJars.class.getClassLoader().getResourceAsStream(EmbeddedJobJar.RESOURCE);
        JarInputStream in = new JarInputStream(embedded)) {
      Manifest manifest = new Manifest(in.getManifest());
      if (mainClass != null) {
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
      }
      Files.createDirectories(target.getParent());
      try (OutputStream file = Files.newOutputStream(target);
          JarOutputStream out = new JarOutputStream(file, manifest)) {
        // Every entry of the 27 MB jar is compressed again: the fastest level needs about a quarter
        // less CPU than the default, for a jar 7 % larger.
        out.setLevel(Deflater.BEST_SPEED);
        for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
          out.putNextEntry(new JarEntry(entry.getName()));
          in.transferTo(out);
          out.closeEntry();
        }
        extra.write(out);
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
