package io.fraudpipeline.chaos.fault;

import io.fraudpipeline.bench.control.ControlPlaneProcess;
import io.fraudpipeline.chaos.cluster.ProcessCluster;
import io.fraudpipeline.flink.FlinkRestClient;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;

/**
 * What a fault acts on: the cluster, the JobManager's REST API (the control plane's own client),
 * and the pipeline's topics.
 *
 * @param pipelineTopics every topic whose replication a broker fault disturbs
 */
public record ChaosContext(
    ProcessCluster cluster,
    FlinkRestClient flink,
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
        if (!runningJobs().isEmpty()) {
          return true;
        }
      } catch (RuntimeException e) {
        // the JobManager is not answering (yet)
      }
      Thread.sleep(500);
    }
    return false;
  }

  /** Ids of the jobs Flink reports RUNNING. */
  public List<String> runningJobs() {
    return flink.jobsOverview().stream()
        .filter(job -> job.getStatus() == JobStatus.RUNNING)
        .map(JobDetails::getJobId)
        .map(Object::toString)
        .toList();
  }

  /** Waits until all three brokers are back and every pipeline partition is fully replicated. */
  public void awaitKafkaHealthy() throws InterruptedException {
    cluster.kafka().awaitBrokers(3, ProcessCluster.restartTimeout());
    cluster.kafka().awaitFullyReplicated(pipelineTopics, ProcessCluster.restartTimeout());
  }
}
