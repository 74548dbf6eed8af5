package io.fraudpipeline.bench.leadership;

import io.fraudpipeline.bench.report.Summary;
import io.fraudpipeline.embedded.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Failover time of the control plane's leader election, on real processes: a real KRaft broker in
 * this JVM, control-api replicas each in a JVM of its own. Each round SIGKILLs the leading replica
 * (so it cannot leave its group) and measures until another replica's {@code GET
 * /api/v1/leadership} says it leads, then starts a replacement for the next round. Prints every
 * round, the median and the max. With {@code --freeze} the leader is SIGSTOPped instead, and after
 * the next replica leads it is resumed (SIGCONT): every answer it gives in the following seconds is
 * checked, since a resumed replica must not claim a leadership it lost while frozen. A measurement,
 * not a test: nothing here asserts a time.
 */
@Command(
    name = "bench/leader-failover.sh",
    mixinStandardHelpOptions = true,
    description = "Measures from a leader's SIGKILL to the next replica leading.")
public final class LeaderFailover implements Callable<Integer> {

  @Option(names = "--rounds", defaultValue = "10", description = "Default: 10")
  int rounds;

  @Option(names = "--replicas", defaultValue = "2", description = "Default: 2")
  int replicas;

  @Option(
      names = "--session-timeout",
      defaultValue = "10s",
      description = "fraud.leadership.session-timeout of the replicas. Default: 10s",
      converter = DurationConverter.class)
  Duration session;

  @Option(
      names = "--freeze",
      description = "SIGSTOP the leader instead of SIGKILL, then resume it and watch its answers")
  boolean freeze;

  @Option(
      names = "--control-api-jar",
      defaultValue = "benchmarks/target/control-api.jar",
      description = "Default: benchmarks/target/control-api.jar")
  Path jar;

  @Option(
      names = "--work-dir",
      defaultValue = "benchmarks/target/leader-failover",
      description = "Kafka data and replica logs. Default: benchmarks/target/leader-failover")
  Path workDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LeaderFailover()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(workDir);
    Path kafkaDir = Files.createTempDirectory(workDir, "kafka-");
    List<Duration> failovers = new ArrayList<>();
    List<Duration> acting = new ArrayList<>();
    List<ReplicaProcess> running = new ArrayList<>();
    int staleClaims = 0;
    int resumedAnswers = 0;
    int started = 0;
    try (LocalKafka kafka = LocalKafka.start(0, kafkaDir)) {
      String prefix = "failover-" + System.currentTimeMillis() + "-";
      say(
          "Kafka at %s; %d replicas, session timeout %s",
          kafka.bootstrapServers(), replicas, session);
      for (int i = 0; i < replicas; i++) {
        running.add(start(kafka, prefix, ++started));
      }
      awaitAll(running, Duration.ofMinutes(3));
      for (int round = 1; round <= rounds; round++) {
        ReplicaProcess leader = awaitLeader(running, Duration.ofMinutes(1));
        long epoch = leader.epoch();
        running.remove(leader);
        long killedAt = System.nanoTime();
        if (freeze) {
          leader.signal(true);
        } else {
          leader.kill();
        }
        ReplicaProcess next = awaitLeader(running, session.multipliedBy(4));
        Duration failover = Duration.ofNanos(System.nanoTime() - killedAt);
        failovers.add(failover);
        // Acting: its reconciler has taken a step under the new epoch and written the status.
        await(next::acts, session.multipliedBy(4), "a step of the new leader");
        Duration acted = Duration.ofNanos(System.nanoTime() - killedAt);
        acting.add(acted);
        say(
            "round %d: %s %s (epoch %d) -> %s leads (epoch %d) after %d ms, acts after %d ms",
            round,
            freeze ? "froze" : "killed",
            leader.id(),
            epoch,
            next.id(),
            next.epoch(),
            failover.toMillis(),
            acted.toMillis());
        if (freeze) {
          // Resumed, it must answer "not leader" from its very first answer on.
          leader.signal(false);
          long watchUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
          int answers = 0;
          int claims = 0;
          while (System.nanoTime() < watchUntil) {
            if (leader.answers()) {
              answers++;
              if (leader.leads()) {
                claims++;
              }
            }
            Thread.sleep(10);
          }
          say("  resumed %s: %d answers, %d claimed to lead", leader.id(), answers, claims);
          resumedAnswers += answers;
          staleClaims += claims;
          leader.kill();
        }
        if (round < rounds) {
          running.add(start(kafka, prefix, ++started));
          awaitAll(running, Duration.ofMinutes(3));
        }
      }
    } finally {
      for (ReplicaProcess replica : running) {
        replica.close();
      }
    }
    summarize("leading", failovers);
    summarize("acting (the new leader's first reconciliation step written)", acting);
    if (freeze) {
      say(
          "resumed leaders answered %d times, claimed to lead %d times",
          resumedAnswers, staleClaims);
    }
    return 0;
  }

  private void summarize(String what, List<Duration> samples) {
    Summary ms = Summary.ofMillis(samples);
    say(
        "failover to %s over %d rounds (session timeout %s): median %d ms, min %d ms, max %d ms",
        what, ms.count(), session, (long) ms.median(), (long) ms.min(), (long) ms.max());
  }

  private ReplicaProcess start(LocalKafka kafka, String prefix, int n) throws Exception {
    return ReplicaProcess.start(
        jar, kafka.bootstrapServers(), prefix, "replica-" + n, session, workDir.resolve("logs"));
  }

  /** Until every replica is a member of the group, so the next kill has a successor ready. */
  private static void awaitAll(List<ReplicaProcess> replicas, Duration timeout)
      throws InterruptedException {
    await(() -> replicas.stream().allMatch(ReplicaProcess::isMember), timeout, "replicas joining");
  }

  private static ReplicaProcess awaitLeader(List<ReplicaProcess> replicas, Duration timeout)
      throws InterruptedException {
    ReplicaProcess[] found = new ReplicaProcess[1];
    await(
        () -> {
          for (ReplicaProcess r : replicas) {
            if (r.leads()) {
              found[0] = r;
              return true;
            }
          }
          return false;
        },
        timeout,
        "a leader");
    return found[0];
  }

  private static void await(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no " + what + " within " + timeout);
      }
      Thread.sleep(20);
    }
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }

  /** Reads {@code 10s}, {@code 500ms} or an ISO-8601 duration. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      if (value.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
      }
      return Duration.parse(value);
    }
  }
}
