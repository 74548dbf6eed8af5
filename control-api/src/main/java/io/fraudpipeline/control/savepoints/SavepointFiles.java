package io.fraudpipeline.control.savepoints;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;

/**
 * Whether a savepoint or checkpoint path asked for is visibly not one, before Flink is asked to
 * restore it (which, for a restore of the running pipeline, comes after the running job is taken
 * down). Only said where the control plane demonstrably sees the file system Flink writes to: the
 * path lies in a directory that holds a state Flink wrote and this process can read (the local
 * stack, one host). Anywhere else (another host's disk, an object store) nothing is said, and Flink
 * answers as before.
 */
public final class SavepointFiles {

  static final String METADATA = "_metadata";

  private SavepointFiles() {}

  /**
   * @param path the path asked for, as Flink takes it ({@code file:/…/savepoint-…}, a {@code chk-N}
   *     directory, or its {@code _metadata} file)
   * @param written paths of states Flink wrote (the savepoint history's, the last checkpoint)
   * @return why the path is no state, when that can be seen
   */
  public static Optional<String> visiblyMissing(String path, Collection<String> written) {
    Optional<Path> asked = localPath(path).map(SavepointFiles::stateDirectory);
    if (asked.isEmpty() || Files.isRegularFile(asked.get().resolve(METADATA))) {
      return Optional.empty();
    }
    Path directory = asked.get().getParent();
    boolean seen =
        directory != null
            && written.stream()
                .map(SavepointFiles::localPath)
                .flatMap(Optional::stream)
                .map(SavepointFiles::stateDirectory)
                .anyMatch(
                    w ->
                        directory.equals(w.getParent())
                            && Files.isRegularFile(w.resolve(METADATA)));
    if (!seen) {
      return Optional.empty();
    }
    return Optional.of(
        "no savepoint or checkpoint at "
            + path
            + (Files.exists(asked.get())
                ? " (it holds no " + METADATA + ")"
                : " (it does not exist)")
            + "; the savepoints and checkpoints beside it are listed by GET /api/v1/savepoints and"
            + " GET /api/v1/pipeline (status.last_state)");
  }

  /** The directory of a state, given it or its {@code _metadata} file. */
  static Path stateDirectory(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().equals(METADATA) && path.getParent() != null
        ? path.getParent()
        : path;
  }

  /** A {@code file:} URI or an absolute path as a local path; nothing for other schemes. */
  static Optional<Path> localPath(String path) {
    try {
      if (path.startsWith("file:")) {
        return Optional.of(Path.of(URI.create(path)).normalize());
      }
      if (path.startsWith("/")) {
        return Optional.of(Path.of(path).normalize());
      }
    } catch (RuntimeException notAPath) {
      // Not a path this process can read: Flink will say what it makes of it.
    }
    return Optional.empty();
  }
}
