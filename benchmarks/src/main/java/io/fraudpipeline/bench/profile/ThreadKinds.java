package io.fraudpipeline.bench.profile;

import io.fraudpipeline.job.Operators;
import java.util.List;

/**
 * Sorts this JVM's threads by what they belong to: the fraud job's tasks, the Kafka clients, the
 * Kafka broker, Flink's runtime, or the harness. Names as Kafka 4.2 and Flink 2.2 give them.
 */
final class ThreadKinds {

  static final String JOB_TASKS = "Flink tasks of the fraud job (parse, rules, serialise)";
  static final String AGGREGATE_TASKS = "Flink task aggregate-rules (after the keyed hop)";
  static final String CHECKPOINTS = "Flink checkpoints, asynchronous part (state snapshots)";
  static final String GC = "JVM garbage collection";
  static final String JIT = "JVM JIT compilers";
  static final String SOURCE_FETCHERS = "Flink Kafka source fetcher threads";
  static final String CLIENT_IO = "Kafka client I/O threads (producers, consumers)";
  static final String BROKER = "Kafka broker";
  static final String LOOP = "Plain Kafka loop threads";
  static final String HARNESS = "Synthetic producer and harness threads (generator, alert watcher)";
  static final String FLINK_RUNTIME = "Flink runtime (RPC, scheduling, checkpoints)";
  static final String OTHER = "Other";

  private static final List<String> JOB_OPERATORS =
      List.of(
          Operators.TRANSACTIONS_SOURCE,
          Operators.RULES_SOURCE,
          Operators.VALIDATE,
          Operators.EVALUATE_RULES,
          Operators.VELOCITY_RULE,
          Operators.ALERTS_SINK,
          Operators.VELOCITY_ALERTS_SINK,
          Operators.DLQ_SINK);

  private static final List<String> BROKER_PREFIXES =
      List.of(
          "data-plane-kafka",
          "kafka-request-handler",
          "kafka-network-thread",
          "broker-",
          "controller-",
          "kafka-",
          "group-coordinator",
          "transaction-",
          "ExpirationReaper",
          "LogDirFailureHandler",
          "raft-",
          "quorum-",
          "TxnMarkerSenderThread",
          "ReplicaFetcher",
          "executor-",
          "share-coordinator",
          "metadata-loader",
          "event-handler",
          "QuorumController");

  private ThreadKinds() {}

  /**
   * The kind of a thread of the JVM itself, by its operating-system name (at most 15 characters):
   * {@link #GC} or {@link #JIT}; null for any other.
   */
  static String ofJvmThread(String osName) {
    if (osName.startsWith("GC Thread") || osName.startsWith("G1 ")) {
      return GC;
    }
    if (osName.startsWith("C1 CompilerThre") || osName.startsWith("C2 CompilerThre")) {
      return JIT;
    }
    return null;
  }

  static String of(String threadGroup) {
    if (threadGroup.startsWith("Source Data Fetcher")) {
      return SOURCE_FETCHERS;
    }
    if (threadGroup.startsWith(Operators.AGGREGATE_RULES)) {
      return AGGREGATE_TASKS;
    }
    if (threadGroup.startsWith("AsyncOperations")) {
      return CHECKPOINTS;
    }
    for (String operator : JOB_OPERATORS) {
      if (threadGroup.contains(operator)) {
        return JOB_TASKS;
      }
    }
    if (threadGroup.startsWith("kafka-producer-network-thread")
        || threadGroup.startsWith("kafka-coordinator-heartbeat-thread")
        || threadGroup.startsWith("consumer_background_thread")) {
      return CLIENT_IO;
    }
    if (threadGroup.startsWith("plain-loop")) {
      return LOOP;
    }
    if (threadGroup.startsWith("alert-watcher")
        || threadGroup.startsWith("synthetic-producer")
        || threadGroup.equals("main")) {
      return HARNESS;
    }
    for (String prefix : BROKER_PREFIXES) {
      if (threadGroup.startsWith(prefix)) {
        return BROKER;
      }
    }
    if (threadGroup.startsWith("flink-")
        || threadGroup.startsWith("pekko")
        || threadGroup.contains("jobmanager")
        || threadGroup.contains("Checkpoint")
        || threadGroup.startsWith("Flink")) {
      return FLINK_RUNTIME;
    }
    return OTHER;
  }
}
