package io.fraudpipeline.chaos.cluster;

import io.fraudpipeline.bench.control.ControlPlaneProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The whole pipeline on one machine, every part its own process: {@link KafkaBrokers}, {@link
 * FlinkProcesses} and two control-api replicas pointed at them.
 */
public final class ProcessCluster implements AutoCloseable {

  public static final int CONTROL_PLANES = 2;

  private final KafkaBrokers kafka;
  private final FlinkProcesses flink;
  private final List<ControlPlaneProcess> controlPlanes;
  private final Path logDir;

  private ProcessCluster(
      KafkaBrokers kafka,
      FlinkProcesses flink,
      List<ControlPlaneProcess> controlPlanes,
      Path logDir) {
    this.kafka = kafka;
    this.flink = flink;
    this.controlPlanes = controlPlanes;
    this.logDir = logDir;
  }

  /**
   * Starts everything under {@code workDir} (wiped first).
   *
   * @param moduleTarget chaos/target: its lib/ is the runtime classpath, its control-api.jar the
   *     control plane
   * @param controlPlaneSettings settings of both replicas ({@code --name=value})
   */
  public static ProcessCluster start(
      Path moduleTarget, Path workDir, List<String> controlPlaneSettings)
      throws IOException, InterruptedException {
    // Flink refuses a relative upload directory, and every process has its own working directory.
    workDir = workDir.toAbsolutePath();
    moduleTarget = moduleTarget.toAbsolutePath();
    Path logDir = workDir.resolve("logs");
    Files.createDirectories(logDir);
    Path log4j = workDir.resolve("log4j2.properties");
    try (InputStream in =
        ProcessCluster.class.getResourceAsStream("/chaos-child-log4j2.properties")) {
      Files.copy(in, log4j, StandardCopyOption.REPLACE_EXISTING);
    }
    JavaCommand java =
        new JavaCommand(
            moduleTarget.resolve("lib"), log4j, moduleTarget.resolve("flink-jvm.options"));
    KafkaBrokers kafka = KafkaBrokers.start(java, workDir, logDir);
    FlinkProcesses flink = null;
    List<ControlPlaneProcess> controlPlanes = new ArrayList<>();
    try {
      flink = FlinkProcesses.start(java, workDir, logDir);
      // Both replicas start side by side: a Spring Boot start-up is long on 2 shared cores.
      List<Future<ControlPlaneProcess>> starting = new ArrayList<>();
      ExecutorService starter = Executors.newFixedThreadPool(CONTROL_PLANES);
      try {
        for (int i = 1; i <= CONTROL_PLANES; i++) {
          Path log = logDir.resolve("control-api-" + i + ".log");
          Path jar = moduleTarget.resolve("control-api.jar");
          String bootstrap = kafka.bootstrapServers();
          String restUrl = flink.restUrl();
          starting.add(
              starter.submit(
                  () ->
                      ControlPlaneProcess.start(
                          jar,
                          bootstrap,
                          restUrl,
                          ControlPlaneProcess.CpTopics.defaults(),
                          controlPlaneSettings,
                          log)));
        }
        RuntimeException failure = null;
        for (Future<ControlPlaneProcess> future : starting) {
          try {
            controlPlanes.add(future.get());
          } catch (ExecutionException e) {
            failure =
                new IllegalStateException("a control-api replica did not start", e.getCause());
          }
        }
        if (failure != null) {
          throw failure;
        }
      } finally {
        starter.shutdown();
      }
      return new ProcessCluster(kafka, flink, controlPlanes, logDir);
    } catch (IOException | InterruptedException | RuntimeException e) {
      for (ControlPlaneProcess controlPlane : controlPlanes) {
        controlPlane.close();
      }
      if (flink != null) {
        flink.close();
      }
      kafka.close();
      throw e;
    }
  }

  public KafkaBrokers kafka() {
    return kafka;
  }

  public FlinkProcesses flink() {
    return flink;
  }

  /** Replica {@code number} (1 or 2). */
  public ControlPlaneProcess controlPlane(int number) {
    return controlPlanes.get(number - 1);
  }

  public List<ControlPlaneProcess> controlPlanes() {
    return List.copyOf(controlPlanes);
  }

  public Path logDir() {
    return logDir;
  }

  /** Time a part has to come back before a scenario gives up on it. */
  public static Duration restartTimeout() {
    return Duration.ofMinutes(2);
  }

  @Override
  public void close() throws InterruptedException {
    for (ControlPlaneProcess controlPlane : controlPlanes) {
      controlPlane.close();
    }
    flink.close();
    kafka.close();
  }
}
