package io.fraudpipeline.job.support;

import static org.awaitility.Awaitility.await;

import io.fraudpipeline.flink.FlinkRestClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.rest.messages.job.metrics.AggregatedMetric;

/**
 * What a test asks Flink's REST API about a running job (state, restarts, operator metrics),
 * through the control plane's own {@link FlinkRestClient}.
 */
public final class FlinkJobProbe implements AutoCloseable {

  private static final String RESTARTS = "numRestarts";

  private final FlinkRestClient flink;

  public FlinkJobProbe(String restUrl) {
    this.flink =
        new FlinkRestClient(URI.create(restUrl), Duration.ofSeconds(10), Duration.ofMinutes(2));
  }

  public static FlinkJobProbe of(MiniCluster cluster) throws Exception {
    return new FlinkJobProbe(cluster.getRestAddress().get().toString());
  }

  /** The client itself, for calls this probe does not wrap (upload, run). */
  public FlinkRestClient client() {
    return flink;
  }

  /** The job vertex (operator chain) whose name contains {@code operatorName}. */
  public JobVertexID vertexOf(JobID job, String operatorName) {
    return flink.jobDetails(job).getJobVertexInfos().stream()
        .filter(vertex -> vertex.getName().contains(operatorName))
        .map(JobDetailsInfo.JobVertexDetailsInfo::getJobVertexID)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no vertex contains " + operatorName));
  }

  /** The minimum of a metric over all subtasks of a vertex; empty while not reported yet. */
  public OptionalDouble subtaskMin(JobID job, JobVertexID vertex, String metric) {
    return present(
        flink.aggregatedSubtaskMetric(job, vertex, metric).map(AggregatedMetric::getMin));
  }

  /** The sum of a metric over all subtasks of a vertex; empty while not reported yet. */
  public OptionalDouble subtaskSum(JobID job, JobVertexID vertex, String metric) {
    return present(
        flink.aggregatedSubtaskMetric(job, vertex, metric).map(AggregatedMetric::getSum));
  }

  /** One subtask's value of an operator metric: {@code <subtask>.<operator>.<metric>}. */
  public OptionalDouble subtaskValue(JobID job, JobVertexID vertex, int subtask, String metric) {
    String id = subtask + "." + metric;
    return present(
        Optional.ofNullable(flink.vertexMetrics(job, vertex, List.of(id)).get(id))
            .map(Double::valueOf));
  }

  /** The job-level {@code numRestarts} metric, once the REST API reports it. */
  public long numRestarts(JobID job) {
    String restarts =
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> flink.jobMetrics(job, List.of(RESTARTS)).get(RESTARTS), v -> v != null);
    return Long.parseLong(restarts);
  }

  public String state(JobID job) {
    return flink.jobDetails(job).getJobStatus().name();
  }

  @Override
  public void close() {
    flink.close();
  }

  private static OptionalDouble present(Optional<Double> value) {
    return value.map(OptionalDouble::of).orElseGet(OptionalDouble::empty);
  }
}
