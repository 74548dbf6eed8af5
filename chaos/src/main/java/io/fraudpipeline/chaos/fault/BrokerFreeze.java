package io.fraudpipeline.chaos.fault;

import io.fraudpipeline.chaos.cluster.ChildProcess;
import java.time.Duration;

/**
 * {@code SIGSTOP} of the broker leading a transactions partition, {@code SIGCONT} after a while: a
 * broker that hangs with its connections open, as on a long GC pause or a stalled disk.
 */
public final class BrokerFreeze implements Fault {

  private final Duration frozenFor;

  public BrokerFreeze(Duration frozenFor) {
    this.frozenFor = frozenFor;
  }

  @Override
  public String id() {
    return "broker-freeze";
  }

  @Override
  public String title() {
    return "a broker frozen for " + frozenFor.toSeconds() + " s (SIGSTOP, then SIGCONT)";
  }

  @Override
  public FaultLog inject(ChaosContext context) throws Exception {
    int nodeId = context.cluster().kafka().leaderOf(context.transactionsTopic(), 1);
    ChildProcess broker = context.cluster().kafka().broker(nodeId);
    FaultLog log = new FaultLog().mark("SIGSTOP kafka-" + nodeId);
    broker.freeze();
    try {
      Thread.sleep(frozenFor.toMillis());
    } finally {
      broker.thaw();
    }
    log.mark("SIGCONT");
    return log.note(
        "kafka-"
            + nodeId
            + " (leader of "
            + context.transactionsTopic()
            + "-1) frozen with SIGSTOP for "
            + frozenFor.toSeconds()
            + " s, then resumed with SIGCONT");
  }

  @Override
  public void heal(ChaosContext context) throws InterruptedException {
    context.awaitKafkaHealthy();
  }
}
