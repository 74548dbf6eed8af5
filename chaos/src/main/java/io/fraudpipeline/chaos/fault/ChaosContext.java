package io.fraudpipeline.chaos.fault;

import io.fraudpipeline.bench.control.ControlPlaneProcess;
import io.fraudpipeline.chaos.cluster.FlinkProbe;
import io.fraudpipeline.chaos.cluster.ProcessCluster;
import java.time.Duration;
import java.util.List;

/**
 * What a fault acts on: the cluster, a probe of the JobManager, and the pipeline's topics.
 *
 * @param pipelineTopics every topic whose replication a broker fault disturbs
 */
public record ChaosContext(
    ProcessCluster cluster,
    FlinkProbe flink,
    String transactionsTopic,
    List<String> pipelineTopics,
    int parallelism) {

  /** The first control-api replica still running. */
  public ControlPlaneProcess liveControlPlane() {
    return cluster.controlPlanes().stream()
        .filter(ControlPlaneProcess::isAlive)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no control-api replica is running"));
  }

  /** Waits until Flink runs a job; false on timeout. */
  public boolean awaitRunningJob(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (!flink.runningJobs().isEmpty()) {
          return true;
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        // the JobManager is not answering (yet)
      }
      Thread.sleep(500);
    }
    return false;
  }

  /** Waits until all three brokers are back and every pipeline partition is fully replicated. */
  public void awaitKafkaHealthy() throws InterruptedException {
    cluster.kafka().awaitBrokers(3, ProcessCluster.restartTimeout());
    cluster.kafka().awaitFullyReplicated(pipelineTopics, ProcessCluster.restartTimeout());
  }
}
