package io.fraudpipeline.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Keeps a second local stack off a data directory one already uses: two Kafka brokers on one KRaft
 * log corrupt it (the running broker then halts its JVM, and the pipeline with it), and two
 * reconcilers would restore jobs from the same checkpoints. The lock is the operating system's, so
 * a stack killed with {@code kill -9} leaves nothing that blocks the next one.
 */
final class DataDirectoryLock implements AutoCloseable {

  static final String FILE_NAME = "local-stack.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dataDir} for this process, creating it if needed, and writes who holds it.
   *
   * @throws DataDirectoryInUseException when another local stack holds it
   */
  static DataDirectoryLock acquire(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    FileChannel channel = null;
    try {
      Files.createDirectories(dataDir);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        channel.close();
        throw new DataDirectoryInUseException(
            "The data directory "
                + dataDir
                + " is in use by another local stack"
                + (holder.isEmpty() ? "" : " (" + holder + ")")
                + ": stop that one first, or give this one another directory with --data-dir.");
      }
      String holder =
          "pid "
              + ProcessHandle.current().pid()
              + ", started "
              + Instant.now().truncatedTo(ChronoUnit.SECONDS);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
      return new DataDirectoryLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("Cannot lock the data directory " + dataDir, e);
    }
  }

  /** Null when another process holds it, or this one (a second stack in one JVM, in tests). */
  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Already failing with the reason that matters.
      }
    }
  }

  /** Releases the lock; the file stays, so the next stack never races its deletion. */
  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Another local stack uses the data directory. */
  static final class DataDirectoryInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DataDirectoryInUseException(String message) {
      super(message);
    }
  }
}
