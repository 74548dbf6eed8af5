package io.fraudpipeline.bench.cluster;

import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.embedded.LocalKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The local stack every scenario measures on: a real KRaft broker and a real Flink session cluster
 * (both in this JVM, as the local stack runs them), the fraud job's jar uploaded once.
 */
public final class BenchCluster implements AutoCloseable {

  /** Where alerts get their broker append time, for latency measurements. */
  public static final Map<String, String> LOG_APPEND_TIME =
      Map.of("message.timestamp.type", "LogAppendTime");

  public static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");

  private final LocalKafka kafka;
  private final LocalFlink flink;
  private final FlinkJobs jobs;
  private final Admin admin;
  private final String fraudJobJarId;

  private BenchCluster(LocalKafka kafka, LocalFlink flink, FlinkJobs jobs, String fraudJobJarId) {
    this.kafka = kafka;
    this.flink = flink;
    this.jobs = jobs;
    this.admin = kafka.admin();
    this.fraudJobJarId = fraudJobJarId;
  }

  /**
   * Starts the broker and the Flink cluster and uploads the fraud job.
   *
   * @param slots task slots of the single TaskManager
   */
  public static BenchCluster start(Path fraudJobJar, int slots)
      throws IOException, InterruptedException {
    LocalKafka kafka = LocalKafka.start();
    LocalFlink flink = null;
    FlinkJobs jobs = null;
    try {
      flink = LocalFlink.start(LocalFlink.Options.defaults().withSlotsPerTaskManager(slots));
      jobs = new FlinkJobs(flink.restUrl());
      String jarId = jobs.uploadJar(fraudJobJar);
      return new BenchCluster(kafka, flink, jobs, jarId);
    } catch (RuntimeException e) {
      if (jobs != null) {
        jobs.close();
      }
      if (flink != null) {
        flink.close();
      }
      kafka.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public FlinkJobs flink() {
    return jobs;
  }

  public String flinkRestUrl() {
    return flink.restUrl();
  }

  public Path savepointDir() {
    return flink.savepointDir();
  }

  /** The id of the uploaded fraud job jar. */
  public String fraudJobJarId() {
    return fraudJobJarId;
  }

  public void createTopic(String name, int partitions, Map<String, String> configs) {
    kafka.createTopic(name, partitions, configs);
  }

  /** Deletes topics (missing ones are fine), to keep the broker's disk use flat over a run. */
  public void deleteTopics(String... names) {
    try {
      admin.deleteTopics(List.of(names)).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
        throw new IllegalStateException("cannot delete topics " + List.of(names), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out deleting topics " + List.of(names), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted deleting topics", e);
    }
  }

  /** Time for a job started now to be scheduled and deployed on this cluster. */
  public static Duration deployTimeout() {
    return Duration.ofSeconds(120);
  }

  @Override
  public void close() {
    jobs.close();
    admin.close();
    flink.close();
    kafka.close();
  }
}
