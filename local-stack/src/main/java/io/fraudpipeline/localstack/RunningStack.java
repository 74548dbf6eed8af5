package io.fraudpipeline.localstack;

import io.fraudpipeline.control.ControlApiApplication;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.embedded.LocalKafka;
import io.fraudpipeline.localstack.ApiTokenStore.ApiToken;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The pipeline running in this JVM: an embedded KRaft broker and Flink session cluster (unless
 * external ones are configured) and the control-api managing them. {@link #close()} stops the
 * control-api first (so it stops observing and producing), then Flink, then Kafka.
 */
public final class RunningStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RunningStack.class);

  /** Sub-directories of the data directory, one per component. */
  static final String KAFKA_DIR = "kafka";

  static final String FLINK_DIR = "flink";

  /** The control-api's jar store: the jars an upgrade rolls back to live with the rest. */
  static final String JARS_DIR = "jars";

  /** The full log of the local stack (see logback.xml); Flink's web UI shows it too. */
  static final String LOG_FILE = "logs/local-stack.log";

  private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(30);

  // Flink stops in a few seconds once its jobs are cancelled; twice it took a minute after a stop
  // with savepoint and a resume under load. Ctrl-C should not wait that out: the jobs are over and
  // what they wrote is on disk, and Kafka must still stop cleanly.
  private static final Duration FLINK_STOP_TIMEOUT = Duration.ofSeconds(15);

  private final LocalStackOptions options;
  private final DataDirectoryLock dataDirectoryLock;
  private final ApiToken token;
  private LocalKafka kafka;
  private LocalFlink flink;
  private ConfigurableApplicationContext controlApi;
  private String kafkaBootstrapServers;
  private String flinkRestUrl;
  private Integer flinkMetricsPort;
  private int apiPort;
  private Duration startupTime;
  private boolean closed;

  private RunningStack(
      LocalStackOptions options, DataDirectoryLock dataDirectoryLock, ApiToken token) {
    this.options = options;
    this.dataDirectoryLock = dataDirectoryLock;
    this.token = token;
  }

  /**
   * Starts everything, or nothing: when a part fails, what already started is stopped again.
   *
   * @throws DataDirectoryLock.DataDirectoryInUseException when another local stack uses the data
   *     directory
   * @throws PortCheck.PortInUseException when a fixed port is taken
   */
  public static RunningStack start(LocalStackOptions options) {
    long started = System.nanoTime();
    DataDirectoryLock dataDirectoryLock = DataDirectoryLock.acquire(options.dataDir());
    ApiToken token;
    try {
      checkPorts(options);
      token = new ApiTokenStore(options.dataDir()).resolve(options.apiToken());
    } catch (RuntimeException e) {
      dataDirectoryLock.close();
      throw e;
    }
    RunningStack stack = new RunningStack(options, dataDirectoryLock, token);
    try {
      stack.startInfrastructure();
      stack.startControlApi();
    } catch (RuntimeException | Error e) {
      stack.close();
      throw e;
    }
    stack.startupTime = Duration.ofNanos(System.nanoTime() - started);
    return stack;
  }

  private static void checkPorts(LocalStackOptions options) {
    PortCheck.requireFree(options.apiPort(), "control-api", "--api-port");
    if (options.embedsKafka()) {
      PortCheck.requireFree(options.kafkaPort(), "Kafka", "--kafka-port");
    }
    if (options.embedsFlink()) {
      PortCheck.requireFree(options.flinkPort(), "Flink REST API", "--flink-port");
      PortCheck.requireFree(
          options.flinkMetricsPort(), "Flink Prometheus reporter", "--flink-metrics-port");
    }
  }

  /** Kafka and Flink start side by side: neither needs the other until a job is deployed. */
  private void startInfrastructure() {
    CompletableFuture<LocalKafka> kafkaStart =
        options.embedsKafka()
            ? CompletableFuture.supplyAsync(
                () -> LocalKafka.start(options.kafkaPort(), options.dataDir().resolve(KAFKA_DIR)))
            : CompletableFuture.completedFuture(null);
    CompletableFuture<LocalFlink> flinkStart =
        options.embedsFlink()
            ? CompletableFuture.supplyAsync(this::startFlink)
            : CompletableFuture.completedFuture(null);
    // Wait for both, keeping whatever started so close() can stop it if the other failed.
    RuntimeException failure = null;
    try {
      kafka = kafkaStart.join();
    } catch (CompletionException e) {
      failure = unwrap(e);
    }
    try {
      flink = flinkStart.join();
    } catch (CompletionException e) {
      if (failure == null) {
        failure = unwrap(e);
      } else {
        failure.addSuppressed(e.getCause());
      }
    }
    if (failure != null) {
      throw failure;
    }
    kafkaBootstrapServers =
        options.embedsKafka() ? kafka.bootstrapServers() : options.externalKafka().orElseThrow();
    flinkRestUrl = options.embedsFlink() ? flink.restUrl() : options.externalFlink().orElseThrow();
    log.info("Kafka at {}, Flink at {}", kafkaBootstrapServers, flinkRestUrl);
  }

  private LocalFlink startFlink() {
    flinkMetricsPort =
        options.flinkMetricsPort() == 0 ? PortCheck.anyFree() : options.flinkMetricsPort();
    Map<String, String> config = new LinkedHashMap<>();
    // The same reporter the Docker image enables from its plugins/ directory (deploy/flink).
    config.put("metrics.reporter.prom.factory.class", PrometheusReporterFactory.class.getName());
    config.put("metrics.reporter.prom.port", String.valueOf(flinkMetricsPort));
    // As deploy/flink/config.yaml: rule changes show as applied within about a second.
    config.put("metrics.fetcher.update-interval", "1 s");
    // Everything logs into one file; the web UI's JobManager and TaskManager log tabs show it.
    String logFile = options.dataDir().resolve(LOG_FILE).toString();
    config.put("web.log.path", logFile);
    config.put("taskmanager.log.path", logFile);
    return LocalFlink.start(
        new LocalFlink.Options(
            options.flinkPort(),
            options.taskManagers(),
            options.slotsPerTaskManager(),
            options.dataDir().resolve(FLINK_DIR),
            config));
  }

  private void startControlApi() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("server.port", options.apiPort());
    properties.put("spring.kafka.bootstrap-servers", kafkaBootstrapServers);
    properties.put("fraud.flink.rest-url", flinkRestUrl);
    properties.put("fraud.security.api-token", token.value());
    // In the data directory rather than application.yaml's temporary one, so a rollback after a
    // reboot still finds the previous jar; FRAUD_JAR_STORE still chooses another place.
    properties.put(
        "fraud.job.jar-store",
        "${FRAUD_JAR_STORE:" + options.dataDir().resolve(JARS_DIR).toAbsolutePath() + "}");
    // Kafka and Flink log already; Boot re-initialising logback under their running threads would
    // only drop their messages for a moment ("No appenders present"). logback.xml stays in charge.
    System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
    // What Boot's logging system would have done: java.util.logging (Tomcat) into SLF4J.
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    controlApi =
        new SpringApplicationBuilder(ControlApiApplication.class)
            .main(ControlApiApplication.class)
            // This class orders the shutdown (control-api before Flink and Kafka), not Boot's hook.
            .registerShutdownHook(false)
            .initializers(
                context ->
                    context
                        .getEnvironment()
                        .getPropertySources()
                        // First: these win over application.yaml and the environment.
                        .addFirst(new MapPropertySource("local-stack", properties)))
            .run();
    apiPort = ((WebServerApplicationContext) controlApi).getWebServer().getPort();
  }

  private static RuntimeException unwrap(CompletionException e) {
    return e.getCause() instanceof RuntimeException runtime ? runtime : e;
  }

  public String apiUrl() {
    return "http://localhost:" + apiPort;
  }

  public int apiPort() {
    return apiPort;
  }

  public String kafkaBootstrapServers() {
    return kafkaBootstrapServers;
  }

  public String flinkRestUrl() {
    return flinkRestUrl;
  }

  /** The embedded Flink's Prometheus endpoint; empty with an external Flink. */
  public Optional<String> flinkMetricsUrl() {
    return Optional.ofNullable(flinkMetricsPort).map(p -> "http://localhost:" + p + "/metrics");
  }

  public boolean kafkaEmbedded() {
    return kafka != null;
  }

  public boolean flinkEmbedded() {
    return flink != null;
  }

  public ApiToken apiToken() {
    return token;
  }

  public Path dataDir() {
    return options.dataDir();
  }

  /** The control-api's application context, for tests that check what it was given. */
  ConfigurableApplicationContext controlApiContext() {
    return controlApi;
  }

  public Duration startupTime() {
    return startupTime;
  }

  /** Stops the control-api, then Flink, then Kafka; each even when an earlier one failed. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (controlApi != null) {
      runQuietly("control-api", controlApi::close);
    }
    if (flink != null) {
      runQuietly("jobs on Flink", this::cancelRunningJobs);
      runQuietly("Flink", this::stopFlink);
    }
    if (kafka != null) {
      runQuietly("Kafka", kafka::close);
    }
    runQuietly("the data directory's lock", dataDirectoryLock::close);
  }

  /**
   * Cancels what still runs, so its tasks close their Kafka clients before the cluster goes away
   * (instead of failing mid-flight with their class loader released). Savepoints are the user's
   * call: stop the job with one through the API before stopping the stack to resume it later.
   */
  private void cancelRunningJobs() {
    MiniCluster cluster = flink.miniCluster();
    try {
      List<JobID> running =
          cluster.listJobs().get(10, TimeUnit.SECONDS).stream()
              .filter(job -> !job.getJobState().isGloballyTerminalState())
              .map(JobStatusMessage::getJobId)
              .toList();
      for (JobID job : running) {
        log.info("Cancelling Flink job {} before stopping Flink", job);
        cluster.cancelJob(job).get(10, TimeUnit.SECONDS);
      }
      long deadline = System.nanoTime() + CANCEL_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline
          && cluster.listJobs().get(10, TimeUnit.SECONDS).stream()
              .anyMatch(job -> !job.getJobState().isGloballyTerminalState())) {
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("could not cancel the running Flink jobs; stopping Flink anyway", e);
    }
  }

  private void stopFlink() {
    if (!flink.close(FLINK_STOP_TIMEOUT)) {
      log.warn(
          "Flink did not stop within {}; stopping Kafka anyway. What its threads were doing:\n{}",
          FLINK_STOP_TIMEOUT,
          ThreadStacks.of("org.apache.flink"));
    }
  }

  private static void runQuietly(String what, Runnable stop) {
    try {
      stop.run();
    } catch (RuntimeException e) {
      log.warn("stopping {} failed; continuing with the rest", what, e);
    }
  }
}
