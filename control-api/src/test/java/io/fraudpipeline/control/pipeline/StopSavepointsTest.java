package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.savepoints.SavepointRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which stop with savepoint of a job counts as newer than its last known state. The files are
 * written as a JobManager writes them ({@link FlinkStateFiles}); PipelineRecoveryTest finds one a
 * real Flink wrote.
 */
class StopSavepointsTest {

  private static final String JOB = "db02f7a1c3e4b5d6a7f8091a2b3c4d5e";
  private static final String OTHER_JOB = "f415ca00112233445566778899aabbcc";
  private static final Instant T0 = Instant.parse("2026-12-07T11:08:20Z");

  @TempDir Path checkpoints;
  @TempDir Path savepoints;

  private StopSavepoints finder() {
    return new StopSavepoints(() -> Optional.of(savepoints.toUri().toString()));
  }

  @Test
  void findsTheJobsStopSavepointNewerThanItsLastCheckpoint() throws IOException {
    RestorePoint checkpoint = checkpoint(JOB, 71, T0);
    Path savepoint = savepoint(JOB, 72, T0.plusSeconds(1), true);

    Optional<StopSavepoints.Found> found = finder().newerThan(JOB, checkpoint);

    assertThat(found).isPresent();
    assertThat(found.get().path()).isEqualTo(uri(savepoint));
    assertThat(found.get().checkpointId()).isEqualTo(72);
    assertThat(found.get().completedAt()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void aCheckpointNewerThanTheSavepointWins() throws IOException {
    savepoint(JOB, 72, T0.plusSeconds(1), true);
    RestorePoint checkpoint = checkpoint(JOB, 73, T0.plusSeconds(2));

    assertThat(finder().newerThan(JOB, checkpoint)).isEmpty();
  }

  @Test
  void theNewestOfSeveralStopSavepointsIsFound() throws IOException {
    RestorePoint checkpoint = checkpoint(JOB, 71, T0);
    savepoint(JOB, 72, T0.plusSeconds(1), true);
    Path newest = savepoint(JOB, 80, T0.plusSeconds(9), true);

    assertThat(finder().newerThan(JOB, checkpoint))
        .map(StopSavepoints.Found::path)
        .hasValue(uri(newest));
  }

  @Test
  void anotherJobsSavepointIsNotTheJobs() throws IOException {
    RestorePoint checkpoint = checkpoint(JOB, 71, T0);
    savepoint(OTHER_JOB, 90, T0.plusSeconds(1), true);

    assertThat(finder().newerThan(JOB, checkpoint)).isEmpty();
  }

  @Test
  void aSavepointUnderTheSamePrefixButOlderInIdOrTimeIsNotTheJobs() throws IOException {
    // Another job whose id begins with the same 6 hex digits: its counter, its time.
    RestorePoint checkpoint = checkpoint(JOB, 71, T0);
    savepoint(JOB.substring(0, 6) + "ffffffffffffffffffffffffff", 500, T0.minusSeconds(60), true);
    savepoint(JOB.substring(0, 6) + "eeeeeeeeeeeeeeeeeeeeeeeeee", 12, T0.plusSeconds(5), true);

    assertThat(finder().newerThan(JOB, checkpoint)).isEmpty();
  }

  @Test
  void anIntermediateSavepointDoesNotCount() throws IOException {
    // Since Flink 1.15 an intermediate savepoint commits no side effects: the checkpoint is right.
    RestorePoint checkpoint = checkpoint(JOB, 71, T0);
    savepoint(JOB, 72, T0.plusSeconds(1), false);

    assertThat(finder().newerThan(JOB, checkpoint)).isEmpty();
  }

  @Test
  void aSavepointWithoutMetadataIsIncomplete() throws IOException {
    RestorePoint checkpoint = checkpoint(JOB, 71, T0);
    Path savepoint = savepoint(JOB, 72, T0.plusSeconds(1), true);
    Files.delete(savepoint.resolve("_metadata"));

    assertThat(finder().newerThan(JOB, checkpoint)).isEmpty();
  }

  @Test
  void aRecordedSavepointIsComparedByItsOwnCheckpointId() throws IOException {
    Path recorded = savepoint(JOB, 72, T0.plusSeconds(1), true);
    RestorePoint known =
        new RestorePoint(uri(recorded), RestorePoint.Kind.SAVEPOINT, T0.plusSeconds(1), JOB);

    assertThat(finder().newerThan(JOB, known)).isEmpty();
    Path later = savepoint(JOB, 75, T0.plusSeconds(4), true);
    assertThat(finder().newerThan(JOB, known)).map(StopSavepoints.Found::path).hasValue(uri(later));
  }

  @Test
  void withoutAStateToCompareWithNothingIsFound() throws IOException {
    savepoint(JOB, 1, T0.plusSeconds(1), true);

    assertThat(finder().newerThan(JOB, null)).isEmpty();
    assertThat(StopSavepoints.none().newerThan(JOB, checkpoint(JOB, 0, T0))).isEmpty();
  }

  @Test
  void flinksDefaultDirectoryIsReadFromItsConfigurationOnce() {
    AtomicInteger asked = new AtomicInteger();
    FlinkSavepointDirectory directory =
        new FlinkSavepointDirectory(
            () -> {
              asked.incrementAndGet();
              return Map.of(FlinkSavepointDirectory.KEY, "file:/data/savepoints");
            });

    assertThat(directory.get()).hasValue("file:/data/savepoints");
    assertThat(directory.get()).hasValue("file:/data/savepoints");
    assertThat(asked).hasValue(1);
  }

  @Test
  void theReconcilerResumesFromAFoundStopSavepointAndRecordsItOnce() throws IOException {
    RestorePoint checkpoint = checkpoint(JOB, 71, T0);
    Path savepoint = savepoint(JOB, 72, T0.plusSeconds(1), true);
    List<SavepointRecord> recorded = new ArrayList<>();
    PipelineActions actions =
        new PipelineActions(
            null,
            new CheckpointStorage(finder()),
            null,
            null,
            null,
            s -> {
              recorded.add(s);
              return s.withOffsets(Map.of(0, 46L));
            },
            null,
            null,
            null,
            null,
            null,
            null);
    PipelineStatus.Builder builder = PipelineStatus.initial().toBuilder();
    builder.jobId = JOB;
    builder.lastState = checkpoint;
    builder.jobParallelism = 2;
    PipelineStatus status = builder.build();

    RestorePoint first = actions.newestState(status, JOB);
    RestorePoint second = actions.newestState(status, JOB);

    assertThat(first.path()).isEqualTo(uri(savepoint));
    assertThat(first.kind()).isEqualTo(RestorePoint.Kind.SAVEPOINT);
    assertThat(first.transactionsOffsets()).isEqualTo(Map.of(0, 46L));
    assertThat(second).isEqualTo(first);
    assertThat(recorded)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.kind()).isEqualTo(SavepointRecord.Kind.STOP);
              assertThat(s.jobId()).isEqualTo(JOB);
              assertThat(s.parallelism()).isEqualTo(2);
              assertThat(s.createdAt()).isEqualTo(T0.plusSeconds(1));
            });
    // A job whose states a replacement set aside keeps only the state recorded for it.
    builder.replacedState = checkpoint;
    assertThat(actions.newestState(builder.build(), JOB)).isEqualTo(checkpoint);
  }

  private RestorePoint checkpoint(String jobId, long id, Instant at) throws IOException {
    Path dir = FlinkStateFiles.checkpoint(checkpoints, jobId, id, at);
    return new RestorePoint(uri(dir), RestorePoint.Kind.CHECKPOINT, at, jobId);
  }

  private Path savepoint(String jobId, long id, Instant at, boolean stop) throws IOException {
    return FlinkStateFiles.savepoint(savepoints, jobId, id, at, stop);
  }

  private static String uri(Path dir) {
    return FlinkStateFiles.uri(dir);
  }
}
