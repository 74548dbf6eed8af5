package io.fraudpipeline.chaos;

import io.fraudpipeline.chaos.cluster.ProcessCluster;
import java.nio.file.Path;
import java.util.List;

/** Temporary: starts the cluster and stops it. */
public final class ClusterSmoke {
  public static void main(String[] args) throws Exception {
    long t = System.nanoTime();
    try (ProcessCluster cluster =
        ProcessCluster.start(
            Path.of("chaos/target"),
            Path.of("chaos/target/chaos-work"),
            List.of("--fraud.topics.replication-factor=3"))) {
      System.out.println("up in " + (System.nanoTime() - t) / 1_000_000 + " ms; " + cluster.kafka().bootstrapServers() + " " + cluster.flink().restUrl() + " " + cluster.controlPlane(1).baseUrl());
      Thread.sleep(Long.parseLong(args.length > 0 ? args[0] : "1000"));
    }
  }
}
