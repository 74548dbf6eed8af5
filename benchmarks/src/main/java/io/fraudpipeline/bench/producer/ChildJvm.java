package io.fraudpipeline.bench.producer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the harness's own class path in a fresh JVM, as a second process on the
 * machine, and collects what it prints.
 */
final class ChildJvm {

  private ChildJvm() {}

  /**
   * What the child printed and how it ended.
   *
   * @param exitCode the process's exit code
   * @param output standard output and error, interleaved
   */
  record Result(int exitCode, String output) {}

  static Result run(String mainClass, List<String> args, Path logFile, Duration timeout)
      throws IOException, InterruptedException {
    return run(List.of(), mainClass, args, logFile, timeout);
  }

  /** As {@link #run(String, List, Path, Duration)}, with extra JVM options (e.g. JFR). */
  static Result run(
      List<String> jvmOptions, String mainClass, List<String> args, Path logFile, Duration timeout)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(jvmOptions);
    command.add("-Duser.language=en");
    command.add("-Duser.country=US");
    // The harness's log4j2.xml would otherwise truncate the harness's own log file.
    command.add("-Dbench.log.file=" + logFile.toAbsolutePath());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    Path output = Files.createTempFile("child-jvm-", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(mainClass + " did not finish within " + timeout);
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
