package io.fraudpipeline.localstack;

import io.fraudpipeline.localstack.deploy.RepositoryFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's five-minute tour, run by bash exactly as written except for the API's address (the
 * test's stack listens on a free port, not 8080). A trap reports every command that fails without
 * stopping the tour, as it would not stop a person typing it.
 */
final class ReadmeTour {

  /** What the tour printed, and the commands that failed (with their exit codes). */
  record Result(int exitCode, String output, List<String> failedCommands) {}

  static final String README_API = "http://localhost:8080";
  static final String FAILED = "TOUR-COMMAND-FAILED";

  private ReadmeTour() {}

  /** The first bash block after the "A five-minute tour" heading. */
  static String script() throws IOException {
    String readme = Files.readString(RepositoryFiles.root().resolve("README.md"));
    int tour = readme.indexOf("## A five-minute tour");
    if (tour < 0) {
      throw new AssertionError("README.md has no \"## A five-minute tour\" section");
    }
    Matcher block = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    if (!block.find(tour)) {
      throw new AssertionError("the tour in README.md has no bash block");
    }
    return block.group(1);
  }

  /** Runs the tour in {@code workDir} (where {@code .fraud-pipeline/} is) against {@code api}. */
  static Result run(Path bash, Path workDir, String api) throws IOException, InterruptedException {
    String script = script();
    if (!script.contains(README_API)) {
      throw new AssertionError("the tour no longer talks to " + README_API + ":\n" + script);
    }
    String trap = "trap 'echo \"" + FAILED + " ($?): $BASH_COMMAND\"' ERR\n";
    Path log = workDir.resolve("readme-tour.log");
    Process process =
        new ProcessBuilder(bash.toString(), "-c", trap + script.replace(README_API, api))
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    process.getOutputStream().close();
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    String text = Files.readString(log, StandardCharsets.UTF_8);
    if (!finished) {
      process.destroyForcibly();
      throw new AssertionError("the tour did not finish in 5 minutes; it printed:\n" + text);
    }
    List<String> failed = text.lines().filter(l -> l.startsWith(FAILED)).toList();
    return new Result(process.exitValue(), text, failed);
  }
}
