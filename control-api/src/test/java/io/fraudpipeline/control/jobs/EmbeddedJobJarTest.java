package io.fraudpipeline.control.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.control.errors.IncompleteBuildException;
import io.fraudpipeline.model.Sha256;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedJobJarTest {

  @TempDir Path dir;

  @Test
  void knowsTheJarsChecksumAndEntryClassAndNamesItByChecksum() throws Exception {
    Path classes = dir.resolve("classes");
    Path jar = classes.resolve("fraud-job/fraud-job.jar");
    Files.createDirectories(jar.getParent());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.example.Job");
    manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "1.2.3");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
      jarOut.putNextEntry(new ZipEntry("org/example/Job.class"));
      jarOut.write(new byte[] {1, 2, 3});
      jarOut.closeEntry();
    }
    String expectedSha = Sha256.hex(jar);

    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
      EmbeddedJobJar embedded =
          new EmbeddedJobJar(loader, EmbeddedJobJar.RESOURCE, "io.fraudpipeline.job.Default");

      assertThat(embedded.isPresent()).isTrue();
      assertThat(embedded.sha256()).isEqualTo(expectedSha);
      assertThat(embedded.sizeBytes()).isEqualTo(Files.size(jar));
      assertThat(embedded.entryClass()).isEqualTo("org.example.Job");
      assertThat(embedded.version()).isEqualTo("1.2.3");
      // Flink keeps the uploaded file's name: the extracted file carries the upload name.
      assertThat(embedded.file().getFileName().toString())
          .isEqualTo("fraud-job-" + expectedSha.substring(0, 16) + ".jar")
          .isEqualTo(
              new JobJar(embedded.sha256(), embedded.file(), embedded.entryClass()).uploadName());
      assertThat(Files.readAllBytes(embedded.file())).isEqualTo(Files.readAllBytes(jar));
    }
  }

  @Test
  void aBuildWithoutTheJarStartsButRefusesToDeploy() throws Exception {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      EmbeddedJobJar missing = new EmbeddedJobJar(empty, EmbeddedJobJar.RESOURCE, "x.Job");

      assertThat(missing.isPresent()).isFalse();
      assertThatThrownBy(missing::file)
          .isInstanceOf(IncompleteBuildException.class)
          .hasMessageContaining("no embedded fraud job jar");
    }
  }
}
