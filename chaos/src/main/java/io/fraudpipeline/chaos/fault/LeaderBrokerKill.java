package io.fraudpipeline.chaos.fault;

import io.fraudpipeline.chaos.cluster.ChildProcess;

/** {@code kill -9} of the broker leading partition 0 of the transactions topic. */
public final class LeaderBrokerKill implements Fault {

  private int killed;

  @Override
  public String id() {
    return "broker-kill";
  }

  @Override
  public String title() {
    return "kill -9 of the broker leading a transactions partition";
  }

  @Override
  public FaultLog inject(ChaosContext context) throws InterruptedException {
    killed = context.cluster().kafka().leaderOf(context.transactionsTopic(), 0);
    ChildProcess broker = context.cluster().kafka().broker(killed);
    long pid = broker.pid();
    FaultLog log = new FaultLog().mark("kill -9 kafka-" + killed);
    broker.kill9();
    return log.note(
        "kill -9 of kafka-"
            + killed
            + " (pid "
            + pid
            + "), leader of "
            + context.transactionsTopic()
            + "-0; restarted after the counting");
  }

  @Override
  public void heal(ChaosContext context) throws Exception {
    context.cluster().kafka().broker(killed).restart();
    context.awaitKafkaHealthy();
  }
}
