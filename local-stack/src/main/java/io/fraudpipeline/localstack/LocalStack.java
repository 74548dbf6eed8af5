package io.fraudpipeline.localstack;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one-command local pipeline: a real KRaft broker, a real Flink session cluster with its web UI
 * and the control-api, in this JVM, no Docker. Ctrl-C stops all of it.
 *
 * <pre>java -jar local-stack/target/local-stack.jar [--api-port 8080] [--data-dir .fraud-pipeline]
 * </pre>
 *
 * With {@code KAFKA_BOOTSTRAP_SERVERS} and/or {@code FLINK_REST_URL} set, the matching embedded
 * part is not started and the control-api manages the external one.
 */
@Command(
    name = "local-stack",
    mixinStandardHelpOptions = true,
    description = "Runs Kafka, Flink and the fraud pipeline's control-api in one JVM.",
    sortOptions = false)
public final class LocalStack implements Callable<Integer> {

  /** The system property logback.xml reads for the log directory. */
  static final String LOG_DIR_PROPERTY = "fraud.localstack.log-dir";

  @Option(
      names = "--api-port",
      defaultValue = "${env:SERVER_PORT:-8080}",
      description =
          "control-api HTTP port (env SERVER_PORT; 0: any free). Default: ${DEFAULT-VALUE}")
  int apiPort;

  @Option(
      names = "--kafka-port",
      defaultValue = "${env:FRAUD_KAFKA_PORT:-9092}",
      description = "Embedded Kafka port (env FRAUD_KAFKA_PORT). Default: ${DEFAULT-VALUE}")
  int kafkaPort;

  @Option(
      names = "--flink-port",
      defaultValue = "${env:FRAUD_FLINK_PORT:-8081}",
      description =
          "Embedded Flink REST API and web UI port (env FRAUD_FLINK_PORT). Default: ${DEFAULT-VALUE}")
  int flinkPort;

  @Option(
      names = "--flink-metrics-port",
      defaultValue = "${env:FRAUD_FLINK_METRICS_PORT:-9249}",
      description =
          "Embedded Flink's Prometheus reporter port (env FRAUD_FLINK_METRICS_PORT)."
              + " Default: ${DEFAULT-VALUE}")
  int flinkMetricsPort;

  @Option(
      names = "--task-managers",
      defaultValue = "1",
      description = "Embedded Flink TaskManagers. Default: ${DEFAULT-VALUE}")
  int taskManagers;

  @Option(
      names = "--slots",
      defaultValue = "4",
      description = "Task slots per embedded TaskManager. Default: ${DEFAULT-VALUE}")
  int slots;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:FRAUD_DATA_DIR:-.fraud-pipeline}",
      description =
          "Kafka data, Flink checkpoints and savepoints, API token and logs (env FRAUD_DATA_DIR)."
              + " Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(
      names = "--kafka-bootstrap-servers",
      defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS}",
      description = "Use this Kafka instead of starting one (env KAFKA_BOOTSTRAP_SERVERS).")
  String externalKafka;

  @Option(
      names = "--flink-rest-url",
      defaultValue = "${env:FLINK_REST_URL}",
      description = "Use this Flink instead of starting one (env FLINK_REST_URL).")
  String externalFlink;

  // No command-line option for the token: a flag would show up in `ps` and shell history.
  private final Optional<String> apiTokenFromEnvironment =
      Optional.ofNullable(System.getenv("FRAUD_API_TOKEN"));

  public static void main(String[] args) {
    int exitCode = new CommandLine(new LocalStack()).execute(args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    LocalStackOptions options =
        new LocalStackOptions(
            apiPort,
            kafkaPort,
            flinkPort,
            flinkMetricsPort,
            taskManagers,
            slots,
            dataDir,
            Optional.ofNullable(externalKafka),
            Optional.ofNullable(externalFlink),
            apiTokenFromEnvironment);
    Path logFile = options.dataDir().resolve(RunningStack.LOG_FILE);
    // Before the first logger exists: logback.xml writes the full log there.
    System.setProperty(LOG_DIR_PROPERTY, logFile.getParent().toString());
    System.out.printf(
        "Starting %s%s%s...%n",
        options.embedsKafka() ? "Kafka, " : "",
        options.embedsFlink() ? "Flink, " : "",
        "the control-api");

    RunningStack stack;
    try {
      stack = RunningStack.start(options);
    } catch (PortCheck.PortInUseException | DataDirectoryLock.DataDirectoryInUseException e) {
      System.err.println(e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      System.err.println("The local stack did not start: " + e + " (details in " + logFile + ")");
      return 1;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("\nStopping the control-api, Flink and Kafka...");
                  stack.close();
                  System.out.println("Stopped.");
                  stopped.countDown();
                },
                "local-stack-shutdown"));
    System.out.print(StartupBanner.render(stack, logFile));
    System.out.flush();
    stopped.await();
    return 0;
  }
}
