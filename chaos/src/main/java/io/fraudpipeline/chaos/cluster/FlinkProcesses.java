package io.fraudpipeline.chaos.cluster;

import io.fraudpipeline.embedded.FreePorts;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink standalone session cluster, every part its own JVM started through Flink's own
 * entrypoints as {@code jobmanager.sh} and {@code taskmanager.sh} start them: one JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), one
 * conf dir with a {@code config.yaml}, the memory flags computed by Flink's {@code BashJavaUtils}.
 */
public final class FlinkProcesses implements AutoCloseable {

  public static final int TASK_MANAGERS = 2;
  public static final int SLOTS_PER_TASK_MANAGER = 2;

  private static final String JOB_MANAGER_MAIN =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  private static final String TASK_MANAGER_MAIN =
      "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
  private static final String EXEC_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";

  private final ChildProcess jobManager;
  private final List<ChildProcess> taskManagers;
  private final String restUrl;
  private final Path checkpointDir;

  private FlinkProcesses(
      ChildProcess jobManager,
      List<ChildProcess> taskManagers,
      String restUrl,
      Path checkpointDir) {
    this.jobManager = jobManager;
    this.taskManagers = taskManagers;
    this.restUrl = restUrl;
    this.checkpointDir = checkpointDir;
  }

  /** Writes the conf dir, starts the JobManager and the TaskManagers, waits for all slots. */
  public static FlinkProcesses start(JavaCommand java, Path workDir, Path logDir)
      throws IOException, InterruptedException {
    Path confDir = workDir.resolve("flink-conf");
    Files.createDirectories(confDir);
    int restPort = FreePorts.find();
    Path checkpointDir = workDir.resolve("flink-checkpoints");
    Files.writeString(
        confDir.resolve("config.yaml"),
        configYaml(restPort, FreePorts.find(), workDir, checkpointDir),
        StandardCharsets.UTF_8);
    List<String> confArgs = List.of("--configDir", confDir.toString());

    List<String> jmArgs = new ArrayList<>(confArgs);
    jmArgs.addAll(List.of("--executionMode", "cluster"));
    ResourceParams jm = resourceParams(java, "GET_JM_RESOURCE_PARAMS", confArgs, logDir);
    jmArgs.addAll(jm.dynamicConfigs());
    ChildProcess jobManager =
        ChildProcess.start(
            "jobmanager",
            java.flink(jm.jvmParams(), JOB_MANAGER_MAIN, jmArgs),
            logDir.resolve("jobmanager.log"));

    ResourceParams tm = resourceParams(java, "GET_TM_RESOURCE_PARAMS", confArgs, logDir);
    List<String> tmArgs = new ArrayList<>(confArgs);
    tmArgs.addAll(tm.dynamicConfigs());
    List<ChildProcess> taskManagers = new ArrayList<>();
    for (int i = 1; i <= TASK_MANAGERS; i++) {
      taskManagers.add(
          ChildProcess.start(
              "taskmanager-" + i,
              java.flink(tm.jvmParams(), TASK_MANAGER_MAIN, tmArgs),
              logDir.resolve("taskmanager-" + i + ".log")));
    }
    FlinkProcesses flink =
        new FlinkProcesses(jobManager, taskManagers, "http://localhost:" + restPort, checkpointDir);
    flink.awaitTaskManagers(TASK_MANAGERS, Duration.ofMinutes(2));
    return flink;
  }

  private static String configYaml(int restPort, int rpcPort, Path workDir, Path checkpointDir) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("jobmanager.rpc.address", "localhost");
    c.put("jobmanager.rpc.port", rpcPort);
    c.put("jobmanager.bind-host", "localhost");
    c.put("jobmanager.memory.process.size", "768m");
    c.put("taskmanager.bind-host", "localhost");
    c.put("taskmanager.host", "localhost");
    c.put("taskmanager.numberOfTaskSlots", SLOTS_PER_TASK_MANAGER);
    c.put("taskmanager.memory.process.size", "1024m");
    // The job keeps its state on the heap (hashmap backend): little managed memory is needed.
    c.put("taskmanager.memory.managed.size", "64m");
    c.put("rest.address", "localhost");
    c.put("rest.bind-address", "localhost");
    c.put("rest.port", restPort);
    c.put("web.submit.enable", true);
    c.put("web.upload.dir", workDir.resolve("flink-uploads").toString());
    c.put("parallelism.default", 2);
    // Slots of one job across both TaskManagers, so that killing one kills part of the job.
    c.put("cluster.evenly-spread-out-slots", true);
    c.put("state.backend.type", "hashmap");
    c.put("execution.checkpointing.dir", checkpointDir.toUri().toString());
    c.put("execution.checkpointing.savepoint-dir", workDir.resolve("flink-savepoints").toUri());
    // A checkpoint survives a cancel or a lost JobManager: what a fresh JobManager resumes from.
    c.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    // A lost TaskManager is noticed after 10 s instead of Flink's default 50 s, so that a
    // scenario's recovery measures the recovery rather than the default detection timeout.
    c.put("heartbeat.interval", 2000);
    c.put("heartbeat.timeout", 10000);
    StringBuilder yaml = new StringBuilder("# Written by the chaos harness (ProcessCluster).\n");
    c.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
    return yaml.toString();
  }

  /**
   * The JVM flags and dynamic configs that Flink's scripts compute for a JobManager or TaskManager:
   * first result line the JVM memory flags, second the {@code -D key=value} settings.
   */
  private record ResourceParams(List<String> jvmParams, List<String> dynamicConfigs) {}

  private static final Pattern DYNAMIC = Pattern.compile("-D\\s+(\\S+=\\S+)");

  private static ResourceParams resourceParams(
      JavaCommand java, String command, List<String> confArgs, Path logDir)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>();
    args.add(command);
    args.addAll(confArgs);
    Path output = logDir.resolve("bash-java-utils-" + command + ".log");
    Files.createDirectories(logDir);
    Process process =
        new ProcessBuilder(java.flink(List.of("-Xmx128m"), BASH_JAVA_UTILS, args))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("BashJavaUtils " + command + " failed; see " + output);
    }
    List<String> results =
        Files.readAllLines(output).stream()
            .filter(line -> line.startsWith(EXEC_RESULT))
            .map(line -> line.substring(EXEC_RESULT.length()).trim())
            .toList();
    if (results.size() < 2) {
      throw new IllegalStateException("BashJavaUtils " + command + " printed " + results);
    }
    List<String> jvm =
        Arrays.stream(results.get(0).split("\\s+")).filter(s -> !s.isEmpty()).toList();
    List<String> dynamic = new ArrayList<>();
    Matcher m = DYNAMIC.matcher(results.get(1));
    while (m.find()) {
      dynamic.add("-D");
      dynamic.add(m.group(1));
    }
    return new ResourceParams(jvm, dynamic);
  }

  public String restUrl() {
    return restUrl;
  }

  public Path checkpointDir() {
    return checkpointDir;
  }

  public ChildProcess jobManager() {
    return jobManager;
  }

  /** TaskManager {@code number} (1 or 2). */
  public ChildProcess taskManager(int number) {
    return taskManagers.get(number - 1);
  }

  public List<ChildProcess> all() {
    List<ChildProcess> all = new ArrayList<>(taskManagers);
    all.add(0, jobManager);
    return all;
  }

  /** Waits until {@code count} TaskManagers are registered with the JobManager. */
  public void awaitTaskManagers(int count, Duration timeout) throws InterruptedException {
    try (FlinkRestClient flink = client(restUrl)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        jobManager.requireAlive();
        try {
          if (flink.clusterOverview().taskManagers() >= count) {
            return;
          }
        } catch (FlinkUnavailableException | FlinkRequestException e) {
          // the JobManager is not answering (yet)
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(count + " TaskManagers not registered within " + timeout);
        }
        Thread.sleep(500);
      }
    }
  }

  /**
   * Restarts every Flink process that has exited and waits for the TaskManagers to register.
   *
   * @return the names of those restarted
   */
  public List<String> restartExited(Duration timeout) throws IOException, InterruptedException {
    List<String> exited = new ArrayList<>();
    for (ChildProcess process : all()) {
      if (!process.isAlive()) {
        exited.add(process.name());
        process.restart();
      }
    }
    if (!exited.isEmpty()) {
      awaitTaskManagers(TASK_MANAGERS, timeout);
    }
    return exited;
  }

  /** The control plane's own Flink client, for the harness's questions to the JobManager. */
  public static FlinkRestClient client(String restUrl) {
    return new FlinkRestClient(URI.create(restUrl), Duration.ofSeconds(10), Duration.ofMinutes(2));
  }

  @Override
  public void close() throws InterruptedException {
    all().forEach(ChildProcess::terminate);
    for (ChildProcess process : all()) {
      process.stop(20);
    }
  }
}
