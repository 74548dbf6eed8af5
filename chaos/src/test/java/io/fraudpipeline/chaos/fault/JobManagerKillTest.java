package io.fraudpipeline.chaos.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobManagerKillTest {

  @Test
  void theLatestCheckpointIsTheNewestCompletedOne(@TempDir Path dir) throws Exception {
    Path older = completed(dir.resolve("job-a/chk-7"), 1_000);
    Path newer = completed(dir.resolve("job-b/chk-3"), 2_000);
    // A checkpoint in progress has no _metadata yet: it cannot be restored.
    Files.createDirectories(dir.resolve("job-b/chk-4"));
    Files.createDirectories(dir.resolve("job-b/shared"));

    assertThat(JobManagerKill.latestCheckpoint(dir)).contains(newer);
    assertThat(older).exists();
  }

  @Test
  void noCheckpointWhenNoneCompleted(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("job-a/chk-1"));

    assertThat(JobManagerKill.latestCheckpoint(dir)).isEmpty();
    assertThat(JobManagerKill.latestCheckpoint(dir.resolve("missing"))).isEmpty();
  }

  private static Path completed(Path checkpoint, long modifiedMillis) throws Exception {
    Files.createDirectories(checkpoint);
    Path metadata = Files.writeString(checkpoint.resolve("_metadata"), "x");
    Files.setLastModifiedTime(metadata, FileTime.fromMillis(modifiedMillis));
    return checkpoint;
  }
}
