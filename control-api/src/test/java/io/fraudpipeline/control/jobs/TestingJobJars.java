package io.fraudpipeline.control.jobs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** A jar store on disk holding jars under the checksums a test names, none of them shipped. */
public final class TestingJobJars {

  private TestingJobJars() {}

  /** A store in {@code directory} holding an empty jar under each of {@code sha256s}. */
  public static JobJars holding(Path directory, String... sha256s) {
    try {
      Files.createDirectories(directory);
      for (String sha256 : sha256s) {
        try (OutputStream out = Files.newOutputStream(directory.resolve(JobJar.fileName(sha256)));
            JarOutputStream jar = new JarOutputStream(out, new Manifest())) {
          jar.flush();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    EmbeddedJobJar none =
        new EmbeddedJobJar(new ClassLoader(null) {}, "no-such-jar.jar", "io.fraudpipeline.Main");
    return new JobJars(directory, none, "io.fraudpipeline.Main");
  }

  /** An uploader of {@code jars} to which Flink already holds every jar: it uploads none. */
  public static JobJarUploader alreadyUploaded(JobJars jars) {
    return new JobJarUploader(null, jars) {
      @Override
      public synchronized UploadedJar ensureUploaded(JobJar jar) {
        return new UploadedJar(jar.uploadName(), false);
      }
    };
  }
}
