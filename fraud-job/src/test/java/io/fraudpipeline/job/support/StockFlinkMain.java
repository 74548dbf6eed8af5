package io.fraudpipeline.job.support;

import io.fraudpipeline.embedded.LocalFlink;

/**
 * A Flink session cluster (MiniCluster with REST API) in its own JVM, started by {@code
 * StockFlinkIT} with Flink's classes only: no Kafka client, no Kafka connector, no Jackson 3 and no
 * fraud-model on its class path, like a stock Flink distribution's lib/. Prints its REST URL and
 * runs until its standard input closes.
 */
public final class StockFlinkMain {

  private StockFlinkMain() {}

  public static void main(String[] args) throws Exception {
    try (LocalFlink flink = LocalFlink.start()) {
      System.out.println("REST " + flink.restUrl());
      System.out.flush();
      while (System.in.read() >= 0) {
        // run until the parent closes our stdin (or dies)
      }
    }
  }
}
