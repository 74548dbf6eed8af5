package io.fraudpipeline.localstack.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A command-line tool the CI installs (.ci/run): Debian's docker-compose and Prometheus' promtool.
 */
public final class ExternalTool {

  /** What a finished command printed and returned. */
  public record Result(int exitCode, String output) {}

  private final Path executable;

  private ExternalTool(Path executable) {
    this.executable = executable;
  }

  /** The tool if it is on the PATH. */
  public static Optional<ExternalTool> find(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir).resolve(name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(new ExternalTool(candidate));
      }
    }
    return Optional.empty();
  }

  public Path executable() {
    return executable;
  }

  /** Runs the tool in {@code workDir}, failing if it takes longer than two minutes. */
  Result run(Path workDir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 2 minutes");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
