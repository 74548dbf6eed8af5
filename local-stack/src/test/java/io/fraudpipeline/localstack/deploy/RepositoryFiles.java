package io.fraudpipeline.localstack.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The repository's deployment files, read as the tools that consume them would parse them. */
public final class RepositoryFiles {

  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new JsonMapper();
  private static final Path ROOT = findRoot();

  private RepositoryFiles() {}

  /** The reactor root: surefire runs in the module directory, the files live one level up. */
  public static Path root() {
    return ROOT;
  }

  static Path path(String relative) {
    Path file = ROOT.resolve(relative);
    if (!Files.exists(file)) {
      throw new AssertionError("missing " + relative + " (looked in " + ROOT + ")");
    }
    return file;
  }

  static Optional<Path> optional(String relative) {
    Path file = ROOT.resolve(relative);
    return Files.exists(file) ? Optional.of(file) : Optional.empty();
  }

  public static JsonNode yaml(String relative) {
    return YAML.readTree(path(relative));
  }

  static JsonNode json(String relative) {
    return JSON.readTree(path(relative));
  }

  public static String text(String relative) {
    try {
      return Files.readString(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path findRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve("compose.yaml")) && Files.exists(dir.resolve("mvnw"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "cannot find the repository root above " + Path.of("").toAbsolutePath());
  }
}
