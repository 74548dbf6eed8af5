package io.fraudpipeline.control.jobs;

import io.fraudpipeline.flink.ClusterOverview;
import io.fraudpipeline.flink.FlinkRestClient;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.rest.messages.job.metrics.AggregatedMetric;

/**
 * The real client, counting the requests an observation of Flink sends (by Flink REST resource), so
 * a test can tell how many calls one poll costs.
 */
class CountingFlinkRestClient extends FlinkRestClient {

  private final Map<String, Integer> calls = new TreeMap<>();

  CountingFlinkRestClient(String restUrl) {
    super(URI.create(restUrl), Duration.ofSeconds(10), Duration.ofMinutes(1));
  }

  /** Requests sent since the last reset, by resource. */
  synchronized Map<String, Integer> calls() {
    return Map.copyOf(calls);
  }

  synchronized int total() {
    return calls.values().stream().mapToInt(Integer::intValue).sum();
  }

  synchronized void reset() {
    calls.clear();
  }

  private synchronized void count(String resource) {
    calls.merge(resource, 1, Integer::sum);
  }

  @Override
  public ClusterOverview clusterOverview() {
    count("GET /overview");
    return super.clusterOverview();
  }

  @Override
  public Collection<JobDetails> jobsOverview() {
    count("GET /jobs/overview");
    return super.jobsOverview();
  }

  @Override
  public JobDetailsInfo jobDetails(JobID jobId) {
    count("GET /jobs/:id");
    return super.jobDetails(jobId);
  }

  @Override
  public CheckpointingStatistics checkpointStatistics(JobID jobId) {
    count("GET /jobs/:id/checkpoints");
    return super.checkpointStatistics(jobId);
  }

  @Override
  public Map<String, String> jobParameters(JobID jobId) {
    count("GET /jobs/:id/config");
    return super.jobParameters(jobId);
  }

  @Override
  public JobExceptionsInfoWithHistory exceptions(JobID jobId, int limit) {
    count("GET /jobs/:id/exceptions");
    return super.exceptions(jobId, limit);
  }

  @Override
  public Map<String, String> jobMetrics(JobID jobId, List<String> names) {
    count("GET /jobs/:id/metrics");
    return super.jobMetrics(jobId, names);
  }

  @Override
  public Map<String, String> vertexMetrics(JobID jobId, JobVertexID vertexId, List<String> names) {
    count("GET /jobs/:id/vertices/:vid/metrics");
    return super.vertexMetrics(jobId, vertexId, names);
  }

  @Override
  public Map<String, AggregatedMetric> aggregatedSubtaskMetrics(
      JobID jobId, JobVertexID vertexId, List<String> metrics) {
    count("GET /jobs/:id/vertices/:vid/subtasks/metrics");
    return super.aggregatedSubtaskMetrics(jobId, vertexId, metrics);
  }
}
