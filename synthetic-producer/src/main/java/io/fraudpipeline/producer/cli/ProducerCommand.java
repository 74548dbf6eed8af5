package io.fraudpipeline.producer.cli;

import io.fraudpipeline.model.Topics;
import io.fraudpipeline.producer.generate.GeneratorSettings;
import io.fraudpipeline.producer.send.ProducerRun;
import io.fraudpipeline.producer.send.RunProgress;
import io.fraudpipeline.producer.send.RunSettings;
import io.fraudpipeline.producer.send.SyntheticProducer;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code synthetic-producer} command line: sends a synthetic run to Kafka. */
@Command(
    name = "synthetic-producer",
    mixinStandardHelpOptions = true,
    versionProvider = ProducerCommand.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Sends realistic synthetic card transactions to Kafka: deterministic by seed, paced to a"
          + " rate, with injected fraud (high amounts, velocity bursts) and optionally malformed"
          + " records.",
      ""
    },
    footer = {
      "",
      "Exit status: 0 when every record sent was acknowledged; 1 when a record failed or the run"
          + " broke; 2 for bad arguments; 130 after Ctrl-C (in-flight records are flushed first).",
      "Options and record labels: docs/producer.md"
    })
public final class ProducerCommand implements Callable<Integer> {

  static final int EXIT_OK = 0;
  static final int EXIT_NOT_ALL_ACKNOWLEDGED = 1;
  static final int EXIT_BAD_ARGUMENTS = 2;

  @Spec CommandSpec spec;

  @Option(
      names = {"-b", "--bootstrap-servers"},
      defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
      description =
          "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = {"-t", "--topic"},
      defaultValue = Topics.TRANSACTIONS,
      description = "Topic to write to (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = {"-r", "--rate"},
      defaultValue = "" + RunSettings.DEFAULT_RATE_PER_SECOND,
      converter = RateConverter.class,
      description =
          "Records per second, or 'max' for as fast as possible (default: ${DEFAULT-VALUE}).")
  long rate;

  @Option(
      names = {"-n", "--count"},
      description = "Stop after this many records (default: no count bound).")
  Long count;

  @Option(
      names = {"-d", "--duration"},
      converter = DurationConverter.class,
      description =
          "Stop after this long, e.g. 30s, 5m, 1h30m (default: no time bound; with neither"
              + " --count nor --duration the run goes on until Ctrl-C).")
  Duration duration;

  @Option(
      names = "--fraud-ratio",
      defaultValue = "" + GeneratorSettings.DEFAULT_FRAUD_RATIO,
      description = "Share of injected fraud records, 0 to 1 (default: ${DEFAULT-VALUE}).")
  double fraudRatio;

  @Option(
      names = "--velocity-share",
      defaultValue = "" + GeneratorSettings.DEFAULT_VELOCITY_SHARE,
      description =
          "Share of the fraud records that are velocity bursts; the rest are high amounts"
              + " (default: ${DEFAULT-VALUE}).")
  double velocityShare;

  @Option(
      names = "--malformed-ratio",
      defaultValue = "" + GeneratorSettings.DEFAULT_MALFORMED_RATIO,
      description = "Share of malformed records, 0 to 1 (default: ${DEFAULT-VALUE}).")
  double malformedRatio;

  @Option(
      names = {"-s", "--seed"},
      defaultValue = "" + RunSettings.DEFAULT_SEED,
      description =
          "Seed: the same seed, start time and options give the same records (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--start-time",
      description =
          "Event time of the first record, ISO-8601, e.g. 2025-01-01T00:00:00Z (default: now).")
  Instant startTime;

  @Option(
      names = "--accounts",
      defaultValue = "" + GeneratorSettings.DEFAULT_ACCOUNTS,
      description = "Number of accounts (default: ${DEFAULT-VALUE}).")
  int accounts;

  @Option(
      names = "--merchants",
      defaultValue = "" + GeneratorSettings.DEFAULT_MERCHANTS,
      description = "Number of merchants (default: ${DEFAULT-VALUE}).")
  int merchants;

  @Option(
      names = "--amount-threshold",
      defaultValue = "5000",
      description =
          "Legit amounts stay below it, high-amount fraud goes above it (default: ${DEFAULT-VALUE},"
              + " the fraud job's default rule).")
  BigDecimal amountThreshold;

  @Option(
      names = "--velocity-max",
      defaultValue = "" + GeneratorSettings.DEFAULT_VELOCITY_MAX_TRANSACTIONS,
      description =
          "Velocity limit: legit traffic never has more than this many transactions of one"
              + " account within --velocity-window; bursts do (default: ${DEFAULT-VALUE}).")
  int velocityMax;

  @Option(
      names = "--velocity-window",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "Window of the velocity limit (default: ${DEFAULT-VALUE}).")
  Duration velocityWindow;

  @Option(
      names = "--burst-size",
      defaultValue = "" + GeneratorSettings.DEFAULT_BURST_SIZE,
      description = "Transactions in one velocity burst (default: ${DEFAULT-VALUE}).")
  int burstSize;

  @Option(
      names = "--pattern-share",
      defaultValue = "" + GeneratorSettings.DEFAULT_PATTERN_SHARE,
      description =
          "Share of the bursts made as merchant sprees (one account, a different merchant each"
              + " time) or split payments (one account and merchant, amounts under the threshold"
              + " that together exceed it), half each, 0 to 1 (default: ${DEFAULT-VALUE}).")
  double patternShare;

  @Option(
      names = "--max-in-flight",
      defaultValue = "" + RunSettings.DEFAULT_MAX_IN_FLIGHT,
      description = "Most records sent but not yet acknowledged (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(
      names = {"-X", "--producer-property"},
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka producer property, e.g. -X linger.ms=20 or -X security.protocol=SSL;"
              + " repeatable. Overrides the defaults (acks=all, idempotence, lz4, linger.ms=5,"
              + " batch.size=65536).")
  Map<String, String> producerProperties = new LinkedHashMap<>();

  @Option(
      names = "--progress",
      defaultValue = "auto",
      description =
          "auto (a bar on a terminal, lines otherwise), bar, lines or none (default: ${DEFAULT-VALUE}).")
  ProgressMode progress;

  @Option(
      names = "--progress-interval",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How often a progress line is printed (default: ${DEFAULT-VALUE}).")
  Duration progressInterval;

  @Option(
      names = "--dry-run",
      description =
          "Generate --count records without Kafka and report their labels and the generator's"
              + " records/s.")
  boolean dryRun;

  enum ProgressMode {
    auto,
    bar,
    lines,
    none
  }

  public static void main(String[] args) {
    quietKafkaLogging();
    System.exit(commandLine().execute(args));
  }

  /** The command with its error handling; tests run it with their own output streams. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new ProducerCommand());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(ProducerCommand::badArguments);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("error: " + e.getMessage());
          cmd.getErr().flush();
          return EXIT_NOT_ALL_ACKNOWLEDGED;
        });
    return commandLine;
  }

  /** One clear line and a hint, not the whole usage text. */
  private static int badArguments(ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("error: " + e.getMessage());
    err.println("Try 'synthetic-producer --help' for the options.");
    err.flush();
    return EXIT_BAD_ARGUMENTS;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RunSettings settings = settings();
    if (dryRun) {
      if (count == null) {
        throw new ParameterException(spec.commandLine(), "--dry-run needs --count");
      }
      DryRun.run(settings.generator().startingAt(Instant.now()), count, out);
      return EXIT_OK;
    }
    ProducerRun run;
    try {
      run = SyntheticProducer.start(settings, producerProperties);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    err.println(startLine(settings));
    err.flush();

    AtomicBoolean summaryPrinted = new AtomicBoolean();
    ProgressDisplay display = display(settings, err);
    Thread onCtrlC =
        new Thread(
            () -> {
              run.stop();
              try {
                run.awaitCompletion(Duration.ofSeconds(60));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              try {
                display.close();
              } catch (RuntimeException e) {
                // The summary matters more than the bar's last frame.
              } finally {
                printSummaryOnce(run, out, summaryPrinted);
              }
            },
            "synthetic-producer-stop");
    Runtime.getRuntime().addShutdownHook(onCtrlC);

    try (display) {
      while (!run.awaitCompletion(Duration.ofMillis(200))) {
        display.update(run.progress());
      }
      display.update(run.progress());
    }
    printSummaryOnce(run, out, summaryPrinted);
    try {
      Runtime.getRuntime().removeShutdownHook(onCtrlC);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C came as the run ended; the hook prints nothing twice.
    }
    return run.progress().allAcknowledged() ? EXIT_OK : EXIT_NOT_ALL_ACKNOWLEDGED;
  }

  private RunSettings settings() {
    try {
      return RunSettings.builder()
          .bootstrapServers(bootstrapServers)
          .topic(topic)
          .ratePerSecond(rate)
          .count(count)
          .duration(duration)
          .maxInFlight(maxInFlight)
          .generator(
              g ->
                  g.seed(seed)
                      .startTime(startTime)
                      .accounts(accounts)
                      .merchants(merchants)
                      .fraudRatio(fraudRatio)
                      .velocityShare(velocityShare)
                      .malformedRatio(malformedRatio)
                      .amountThreshold(amountThreshold)
                      .velocityMaxTransactions(velocityMax)
                      .velocityWindow(velocityWindow)
                      .burstSize(burstSize)
                      .patternShare(patternShare))
          .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private ProgressDisplay display(RunSettings settings, PrintWriter err) {
    ProgressMode mode = progress;
    if (mode == ProgressMode.auto) {
      mode = System.console() != null ? ProgressMode.bar : ProgressMode.lines;
    }
    return switch (mode) {
      case bar -> new ProgressBarDisplay(expectedRecords(settings));
      case lines -> new ProgressLineDisplay(err, progressInterval);
      case none, auto -> ProgressDisplay.NONE;
    };
  }

  private static long expectedRecords(RunSettings settings) {
    if (settings.count() != null) {
      return settings.count();
    }
    if (settings.paced() && settings.duration() != null) {
      return settings.ratePerSecond() * settings.duration().toMillis() / 1000;
    }
    return -1;
  }

  private static String startLine(RunSettings s) {
    return String.format(
        Locale.ROOT,
        "sending to %s at %s: %s, %s, fraud ratio %s, malformed ratio %s, seed %d",
        s.topic(),
        s.bootstrapServers(),
        s.paced() ? String.format(Locale.ROOT, "%,d records/s", s.ratePerSecond()) : "max rate",
        s.count() != null
            ? String.format(Locale.ROOT, "%,d records", s.count())
            : s.duration() != null ? "for " + RunSummary.human(s.duration()) : "until Ctrl-C",
        s.generator().fraudRatio(),
        s.generator().malformedRatio(),
        s.generator().seed());
  }

  private static void printSummaryOnce(ProducerRun run, PrintWriter out, AtomicBoolean printed) {
    RunProgress progress = run.progress();
    if (progress.state().isFinal() && printed.compareAndSet(false, true)) {
      out.print(RunSummary.of(progress, run.generatorSettings()));
      out.flush();
    }
  }

  /** Kafka's client logs warnings and errors only, to stderr, unless told otherwise. */
  private static void quietKafkaLogging() {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ProducerCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "synthetic-producer " + (version == null ? "(development build)" : version)
      };
    }
  }
}
