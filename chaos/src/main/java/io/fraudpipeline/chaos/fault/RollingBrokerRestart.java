package io.fraudpipeline.chaos.fault;

import io.fraudpipeline.chaos.cluster.ChildProcess;
import io.fraudpipeline.chaos.cluster.KafkaBrokers;

/**
 * A rolling restart of all brokers, as an upgrade does it: one at a time an orderly stop (SIGTERM),
 * a start, and a wait until every partition is fully replicated again.
 */
public final class RollingBrokerRestart implements Fault {

  @Override
  public String id() {
    return "rolling-broker-restart";
  }

  @Override
  public String title() {
    return "a rolling restart of all brokers";
  }

  @Override
  public FaultLog inject(ChaosContext context) throws Exception {
    FaultLog log = new FaultLog();
    for (int nodeId = 1; nodeId <= KafkaBrokers.COUNT; nodeId++) {
      ChildProcess broker = context.cluster().kafka().broker(nodeId);
      log.mark("stop kafka-" + nodeId);
      long stopping = System.nanoTime();
      broker.stop(60);
      long stopped = System.nanoTime();
      broker.restart();
      context.awaitKafkaHealthy();
      log.note(
          String.format(
              "kafka-%d: orderly stop %.1f s, back and fully replicated %.1f s later",
              nodeId, (stopped - stopping) / 1e9, (System.nanoTime() - stopped) / 1e9));
    }
    return log.mark("all brokers restarted");
  }
}
