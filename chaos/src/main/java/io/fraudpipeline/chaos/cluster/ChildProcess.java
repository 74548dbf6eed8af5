package io.fraudpipeline.chaos.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One process of the chaos cluster, its output in a log file of its own, with the signals the
 * scenarios send it.
 */
public final class ChildProcess {

  private final String name;
  private final List<String> command;
  private final Path logFile;
  private Process process;

  private ChildProcess(String name, List<String> command, Path logFile) {
    this.name = name;
    this.command = List.copyOf(command);
    this.logFile = logFile;
  }

  /** Starts {@code command}, its stdout and stderr appended to {@code logFile}. */
  public static ChildProcess start(String name, List<String> command, Path logFile)
      throws IOException {
    ChildProcess child = new ChildProcess(name, command, logFile);
    child.launch();
    return child;
  }

  private void launch() throws IOException {
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    Files.writeString(
        logFile,
        "=== " + java.time.Instant.now() + " start: " + String.join(" ", command) + "\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
  }

  /** Starts the same command again (after a kill), appending to the same log. */
  public synchronized void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
    }
    launch();
  }

  public String name() {
    return name;
  }

  public synchronized long pid() {
    return process.pid();
  }

  public synchronized boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  /** {@code kill -9}: {@link Process#destroyForcibly()} sends SIGKILL on Linux. */
  public synchronized void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** {@code kill -STOP}: the process freezes with its sockets open, as a hung machine would. */
  public void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** {@code kill -CONT}: resumes a frozen process. */
  public void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  // Java has no API for SIGSTOP/SIGCONT; the kill command is part of every Linux.
  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
    }
  }

  /** SIGTERM, then SIGKILL after {@code graceSeconds}: the orderly stop a rolling restart uses. */
  public synchronized void stop(int graceSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** SIGTERM without waiting: {@link #stop} then waits for it; stops processes side by side. */
  public synchronized void terminate() {
    process.destroy();
  }

  /** Throws, naming the log, when the process has exited. */
  public void requireAlive() {
    if (!isAlive()) {
      throw new IllegalStateException(
          name + " exited with " + process.exitValue() + "; see " + logFile);
    }
  }
}
