package io.fraudpipeline.control.savepoints;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka offsets a savepoint or checkpoint resumes a topic from, read from the state itself: the
 * splits Flink's Kafka source keeps in its reader state. The job's committed group offsets are no
 * substitute after a stop with savepoint: the source commits them as a checkpoint completes,
 * asynchronously, and the savepoint that ends a job is not committed (seen on Flink 2.2 with the
 * Kafka connector 4: the group keeps the offsets of the last periodic checkpoint, or none for a job
 * stopped before its first one; presumably the job's consumer closes before the commit is sent).
 *
 * <p>Read where this process sees the file system Flink writes to (the local stack, a shared
 * volume); elsewhere nothing is said and the caller falls back to the group's offsets.
 */
public final class SavedSourceOffsets {

  /** The list state every FLIP-27 source operator keeps its reader's splits in. */
  static final String READER_STATE = "SourceReaderState";

  private static final Logger log = LoggerFactory.getLogger(SavedSourceOffsets.class);

  private SavedSourceOffsets() {}

  /**
   * @param path the savepoint or checkpoint ({@code file:/…/savepoint-…} or a {@code chk-N}
   *     directory)
   * @param topic the topic whose offsets are wanted
   * @return partition → next offset to read, when the state is readable here and names a position
   *     for every split of the topic it holds
   */
  public static Optional<Map<Integer, Long>> read(String path, String topic) {
    Optional<Path> metadata = metadataFile(path);
    if (metadata.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(metadata.get())) {
      CheckpointMetadata loaded =
          Checkpoints.loadCheckpointMetadata(
              new DataInputStream(in),
              SavedSourceOffsets.class.getClassLoader(),
              metadata.get().getParent().toUri().toString());
      Map<Integer, Long> offsets = new HashMap<>();
      for (OperatorState operator : loaded.getOperatorStates()) {
        for (OperatorSubtaskState subtask : operator.getStates()) {
          for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
            if (!readSplits(handle, topic, offsets)) {
              return Optional.empty();
            }
          }
        }
      }
      return offsets.isEmpty() ? Optional.empty() : Optional.of(Map.copyOf(offsets));
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot read the {} offsets of {}: {}", topic, path, e.toString());
      return Optional.empty();
    }
  }

  /**
   * Adds the offsets of the handle's splits of {@code topic}; false when one names no position yet
   * (a split whose reader had not started: Flink keeps a marker, not an offset).
   */
  private static boolean readSplits(
      OperatorStateHandle handle, String topic, Map<Integer, Long> offsets) throws IOException {
    OperatorStateHandle.StateMetaInfo splits =
        handle.getStateNameToPartitionOffsets().get(READER_STATE);
    if (splits == null) {
      return true;
    }
    try (FSDataInputStream in = handle.openInputStream()) {
      DataInputViewStreamWrapper view = new DataInputViewStreamWrapper(in);
      for (long offset : splits.getOffsets()) {
        in.seek(offset);
        // Each element as Flink's byte-array serializer wrote it: its length, then its bytes.
        byte[] element = new byte[view.readInt()];
        view.readFully(element);
        KafkaSplit split = KafkaSplit.decode(element);
        if (split.topic().equals(topic)) {
          if (split.nextOffset() < 0) {
            return false;
          }
          offsets.merge(split.partition(), split.nextOffset(), Math::max);
        }
      }
    }
    return true;
  }

  /**
   * A Kafka source split as Flink's connector writes it: a versioned envelope (version, length)
   * around topic, partition, starting offset (the next to read) and stopping offset.
   */
  record KafkaSplit(String topic, int partition, long nextOffset) {

    static KafkaSplit decode(byte[] element) throws IOException {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(element));
      in.readInt(); // the serializer's version: 0 in every connector release so far
      in.readInt(); // the serialized split's length
      String topic = in.readUTF();
      int partition = in.readInt();
      long startingOffset = in.readLong();
      return new KafkaSplit(topic, partition, startingOffset);
    }
  }

  /** The state's {@code _metadata} file, when the path is one this process can read. */
  private static Optional<Path> metadataFile(String path) {
    return SavepointFiles.localPath(path)
        .map(SavepointFiles::stateDirectory)
        .map(directory -> directory.resolve(SavepointFiles.METADATA))
        .filter(Files::isReadable);
  }
}
