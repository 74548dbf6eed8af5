package io.fraudpipeline.flink;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.rest.FileUpload;
import org.apache.flink.runtime.rest.RestClient;
import org.apache.flink.runtime.rest.handler.async.TriggerResponse;
import org.apache.flink.runtime.rest.handler.legacy.messages.ClusterOverviewWithVersion;
import org.apache.flink.runtime.rest.messages.ClusterConfigurationInfoHeaders;
import org.apache.flink.runtime.rest.messages.ClusterOverviewHeaders;
import org.apache.flink.runtime.rest.messages.ConfigurationInfoEntry;
import org.apache.flink.runtime.rest.messages.EmptyMessageParameters;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobCancellationHeaders;
import org.apache.flink.runtime.rest.messages.JobCancellationMessageParameters;
import org.apache.flink.runtime.rest.messages.JobConfigHeaders;
import org.apache.flink.runtime.rest.messages.JobConfigInfo;
import org.apache.flink.runtime.rest.messages.JobExceptionsHeaders;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory;
import org.apache.flink.runtime.rest.messages.JobIDPathParameter;
import org.apache.flink.runtime.rest.messages.JobVertexIdPathParameter;
import org.apache.flink.runtime.rest.messages.JobsOverviewHeaders;
import org.apache.flink.runtime.rest.messages.MessageHeaders;
import org.apache.flink.runtime.rest.messages.MessageParameter;
import org.apache.flink.runtime.rest.messages.MessageParameters;
import org.apache.flink.runtime.rest.messages.RequestBody;
import org.apache.flink.runtime.rest.messages.ResponseBody;
import org.apache.flink.runtime.rest.messages.TerminationModeQueryParameter;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.apache.flink.runtime.rest.messages.TriggerIdPathParameter;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointConfigHeaders;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointConfigInfo;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointStatusHeaders;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointTriggerHeaders;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointTriggerRequestBody;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatisticsHeaders;
import org.apache.flink.runtime.rest.messages.job.JobDetailsHeaders;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.rest.messages.job.UpperLimitExceptionParameter;
import org.apache.flink.runtime.rest.messages.job.metrics.AggregatedMetric;
import org.apache.flink.runtime.rest.messages.job.metrics.AggregatedSubtaskMetricsHeaders;
import org.apache.flink.runtime.rest.messages.job.metrics.JobMetricsHeaders;
import org.apache.flink.runtime.rest.messages.job.metrics.JobVertexMetricsHeaders;
import org.apache.flink.runtime.rest.messages.job.metrics.Metric;
import org.apache.flink.runtime.rest.messages.job.metrics.MetricCollectionResponseBody;
import org.apache.flink.runtime.rest.messages.job.metrics.MetricsAggregationParameter;
import org.apache.flink.runtime.rest.messages.job.metrics.MetricsFilterParameter;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointDisposalRequest;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointDisposalStatusHeaders;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointDisposalTriggerHeaders;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointStatusHeaders;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointTriggerHeaders;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointTriggerRequestBody;
import org.apache.flink.runtime.rest.messages.job.savepoints.stop.StopWithSavepointRequestBody;
import org.apache.flink.runtime.rest.messages.job.savepoints.stop.StopWithSavepointTriggerHeaders;
import org.apache.flink.runtime.rest.util.RestClientException;
import org.apache.flink.runtime.rest.util.RestMapperUtils;
import org.apache.flink.runtime.scheduler.stopwithsavepoint.StopWithSavepointStoppingException;
import org.apache.flink.runtime.webmonitor.handlers.JarListHeaders;
import org.apache.flink.runtime.webmonitor.handlers.JarListInfo;
import org.apache.flink.runtime.webmonitor.handlers.JarRunHeaders;
import org.apache.flink.runtime.webmonitor.handlers.JarRunMessageParameters;
import org.apache.flink.runtime.webmonitor.handlers.JarRunRequestBody;
import org.apache.flink.runtime.webmonitor.handlers.JarRunResponseBody;
import org.apache.flink.runtime.webmonitor.handlers.JarUploadHeaders;
import org.apache.flink.runtime.webmonitor.handlers.JarUploadResponseBody;
import org.apache.flink.util.SerializedThrowable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's one way to the JobManager: Flink's own REST client and message classes
 * ({@code flink-runtime}, {@code flink-runtime-web}), with a deadline on every call and failures
 * turned into {@link FlinkUnavailableException} (cannot reach Flink) or {@link
 * FlinkRequestException} (Flink said no).
 */
public class FlinkRestClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FlinkRestClient.class);
  private static final String JAR_CONTENT_TYPE = "application/x-java-archive";

  private final URL url;
  private final String host;
  private final int port;
  private final Duration requestTimeout;
  private final Duration submitTimeout;
  private final ExecutorService executor;
  private final RestClient rest;

  /**
   * @param restUrl the JobManager's REST endpoint
   * @param requestTimeout the longest a single call may take
   * @param submitTimeout the longest a jar upload or run may take (the run executes the job's main
   *     method on the JobManager)
   */
  public FlinkRestClient(URI restUrl, Duration requestTimeout, Duration submitTimeout) {
    try {
      this.url = restUrl.toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Flink's REST URL is not a URL: " + restUrl, e);
    }
    this.host = url.getHost();
    this.port = url.getPort() > 0 ? url.getPort() : url.getDefaultPort();
    this.requestTimeout = requestTimeout;
    this.submitTimeout = submitTimeout;
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "flink-rest-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    Configuration config = new Configuration();
    config.set(RestOptions.CONNECTION_TIMEOUT, requestTimeout);
    config.set(RestOptions.IDLENESS_TIMEOUT, submitTimeout);
    // The shaded fraud job is uploaded in one request.
    config.set(RestOptions.CLIENT_MAX_CONTENT_LENGTH, 512 * 1024 * 1024);
    try {
      this.rest = RestClient.forUrl(config, executor, url);
    } catch (Exception e) {
      executor.shutdownNow();
      throw new IllegalStateException("cannot create the Flink REST client for " + url, e);
    }
  }

  /** The JobManager's REST endpoint this client talks to. */
  public String restUrl() {
    return url.toString();
  }

  public ClusterOverview clusterOverview() {
    return clusterOverview(requestTimeout);
  }

  /** The cluster's overview, waited for at most {@code timeout} (e.g. a health check's bound). */
  public ClusterOverview clusterOverview(Duration timeout) {
    ClusterOverviewWithVersion o =
        call(
            "GET /overview",
            timeout,
            () ->
                rest.sendRequest(
                    host,
                    port,
                    ClusterOverviewHeaders.getInstance(),
                    EmptyMessageParameters.getInstance(),
                    EmptyRequestBody.getInstance()));
    return new ClusterOverview(
        o.getVersion(),
        o.getNumTaskManagersConnected(),
        o.getNumSlotsTotal(),
        o.getNumSlotsAvailable(),
        o.getNumJobsRunningOrPending());
  }

  /** The JobManager's configuration ({@code GET /jobmanager/config}), key to value. */
  public Map<String, String> clusterConfiguration() {
    Map<String, String> configuration = new HashMap<>();
    for (ConfigurationInfoEntry entry :
        call(
            "GET /jobmanager/config",
            requestTimeout,
            () ->
                rest.sendRequest(
                    host,
                    port,
                    ClusterConfigurationInfoHeaders.getInstance(),
                    EmptyMessageParameters.getInstance(),
                    EmptyRequestBody.getInstance()))) {
      configuration.put(entry.getKey(), entry.getValue());
    }
    return configuration;
  }

  /** Every job Flink knows (running and recently terminated). */
  public Collection<JobDetails> jobsOverview() {
    return call(
            "GET /jobs/overview",
            requestTimeout,
            () ->
                rest.sendRequest(
                    host,
                    port,
                    JobsOverviewHeaders.getInstance(),
                    EmptyMessageParameters.getInstance(),
                    EmptyRequestBody.getInstance()))
        .getJobs();
  }

  /** The job's details; {@link FlinkRequestException#isNotFound()} when Flink does not know it. */
  public JobDetailsInfo jobDetails(JobID jobId) {
    return send("GET /jobs/" + jobId, JobDetailsHeaders.getInstance(), jobId, null, null);
  }

  public CheckpointingStatistics checkpointStatistics(JobID jobId) {
    return send(
        "GET /jobs/" + jobId + "/checkpoints",
        CheckpointingStatisticsHeaders.getInstance(),
        jobId,
        null,
        null);
  }

  /** The job's checkpoint timeout: a savepoint cannot take longer. */
  public Duration checkpointTimeout(JobID jobId) {
    CheckpointConfigInfo info =
        send(
            "GET /jobs/" + jobId + "/checkpoints/config",
            CheckpointConfigHeaders.getInstance(),
            jobId,
            null,
            null);
    // CheckpointConfigInfo has no getters; its JSON form (Flink's own mapper) has the timeout.
    long millis =
        RestMapperUtils.getStrictObjectMapper()
            .valueToTree(info)
            .path(CheckpointConfigInfo.FIELD_NAME_CHECKPOINT_TIMEOUT)
            .asLong(0);
    return millis > 0 ? Duration.ofMillis(millis) : Duration.ofMinutes(10);
  }

  /** The job's global job parameters ({@code pipeline.global-job-parameters}). */
  public Map<String, String> jobParameters(JobID jobId) {
    JobConfigInfo info =
        send("GET /jobs/" + jobId + "/config", JobConfigHeaders.getInstance(), jobId, null, null);
    if (info.getExecutionConfigInfo() == null
        || info.getExecutionConfigInfo().getGlobalJobParameters() == null) {
      return Map.of();
    }
    return info.getExecutionConfigInfo().getGlobalJobParameters();
  }

  public JobExceptionsInfoWithHistory exceptions(JobID jobId, int limit) {
    var headers = JobExceptionsHeaders.getInstance();
    var params = headers.getUnresolvedMessageParameters();
    resolvePath(params, jobId, null, null);
    for (var query : params.getQueryParameters()) {
      if (query instanceof UpperLimitExceptionParameter upper) {
        upper.resolve(List.of(limit));
      }
    }
    return call(
        "GET /jobs/" + jobId + "/exceptions",
        requestTimeout,
        () -> rest.sendRequest(host, port, headers, params, EmptyRequestBody.getInstance()));
  }

  /** Job-level metrics by name, e.g. {@code numRestarts}; absent ones are left out. */
  public Map<String, String> jobMetrics(JobID jobId, List<String> names) {
    var headers = JobMetricsHeaders.getInstance();
    var params = headers.getUnresolvedMessageParameters();
    resolvePath(params, jobId, null, null);
    params.metricsFilterParameter.resolve(names);
    return values(
        call(
            "GET /jobs/" + jobId + "/metrics",
            requestTimeout,
            () -> rest.sendRequest(host, port, headers, params, EmptyRequestBody.getInstance())));
  }

  /**
   * Metrics of one job vertex by name; a subtask's operator metric is named {@code
   * <subtask>.<operator>.<metric>}. Absent ones are left out.
   */
  public Map<String, String> vertexMetrics(JobID jobId, JobVertexID vertexId, List<String> names) {
    var headers = JobVertexMetricsHeaders.getInstance();
    var params = headers.getUnresolvedMessageParameters();
    resolvePath(params, jobId, vertexId, null);
    for (var query : params.getQueryParameters()) {
      if (query instanceof MetricsFilterParameter filter) {
        filter.resolve(names);
      }
    }
    return values(
        call(
            "GET /jobs/" + jobId + "/vertices/" + vertexId + "/metrics",
            requestTimeout,
            () -> rest.sendRequest(host, port, headers, params, EmptyRequestBody.getInstance())));
  }

  private static Map<String, String> values(MetricCollectionResponseBody body) {
    Map<String, String> values = new HashMap<>();
    for (Metric metric : body.getMetrics()) {
      if (metric.getValue() != null) {
        values.put(metric.getId(), metric.getValue());
      }
    }
    return values;
  }

  /** A metric of one job vertex aggregated over its subtasks (min, max and sum). */
  public Optional<AggregatedMetric> aggregatedSubtaskMetric(
      JobID jobId, JobVertexID vertexId, String metric) {
    return Optional.ofNullable(
        aggregatedSubtaskMetrics(jobId, vertexId, List.of(metric)).get(metric));
  }

  /**
   * Metrics of one job vertex aggregated over its subtasks (min, max and sum); a metric no subtask
   * reports (yet) is absent from the answer. One request while Flink has every metric asked for.
   */
  public Map<String, AggregatedMetric> aggregatedSubtaskMetrics(
      JobID jobId, JobVertexID vertexId, List<String> metrics) {
    Set<String> wanted = Set.copyOf(metrics);
    Map<String, AggregatedMetric> found = requestAggregated(jobId, vertexId, wanted);
    if (found.size() == wanted.size() || wanted.size() < 2) {
      return found;
    }
    // Flink answers nothing at all when one of several ids does not exist (a named rule not
    // judged yet has no metrics), so the answer hides the ones that do: ask again for only those.
    Set<String> existing = new HashSet<>(availableSubtaskMetrics(jobId, vertexId));
    existing.retainAll(wanted);
    if (existing.isEmpty() || existing.equals(found.keySet())) {
      return found;
    }
    return requestAggregated(jobId, vertexId, existing);
  }

  /** The ids of the metrics the subtasks of one job vertex report (Flink's list without values). */
  public Set<String> availableSubtaskMetrics(JobID jobId, JobVertexID vertexId) {
    var headers = AggregatedSubtaskMetricsHeaders.getInstance();
    var params = headers.getUnresolvedMessageParameters();
    resolvePath(params, jobId, vertexId, null);
    var body =
        call(
            "GET /jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics",
            requestTimeout,
            () -> rest.sendRequest(host, port, headers, params, EmptyRequestBody.getInstance()));
    Set<String> ids = new HashSet<>();
    for (AggregatedMetric metric : body.getMetrics()) {
      ids.add(metric.getId());
    }
    return ids;
  }

  private Map<String, AggregatedMetric> requestAggregated(
      JobID jobId, JobVertexID vertexId, Set<String> wanted) {
    var headers = AggregatedSubtaskMetricsHeaders.getInstance();
    var params = headers.getUnresolvedMessageParameters();
    resolvePath(params, jobId, vertexId, null);
    for (var query : params.getQueryParameters()) {
      if (query instanceof MetricsFilterParameter filter) {
        filter.resolve(List.copyOf(wanted));
      } else if (query instanceof MetricsAggregationParameter aggregation) {
        aggregation.resolve(
            List.of(
                MetricsAggregationParameter.AggregationMode.MIN,
                MetricsAggregationParameter.AggregationMode.MAX,
                MetricsAggregationParameter.AggregationMode.SUM));
      }
    }
    var body =
        call(
            "GET /jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics",
            requestTimeout,
            () -> rest.sendRequest(host, port, headers, params, EmptyRequestBody.getInstance()));
    Map<String, AggregatedMetric> found = new HashMap<>();
    for (AggregatedMetric metric : body.getMetrics()) {
      if (wanted.contains(metric.getId())) {
        found.put(metric.getId(), metric);
      }
    }
    return found;
  }

  /**
   * Metrics of named operators, each aggregated over the subtasks of its vertex: one request per
   * vertex whose name holds a wanted operator (chained operators share a vertex, whose name lists
   * them), where Flink reports an operator's metric as {@code <operator>.<metric>}. A vertex whose
   * metrics Flink cannot give yet (one still being deployed) is left out of the answer.
   *
   * @param vertices the job's vertices ({@link #jobDetails})
   * @param metricsByOperator for each operator name, the metrics wanted, without that prefix
   * @return what Flink reported, by {@code <operator>.<metric>}
   */
  public Map<String, AggregatedMetric> operatorMetrics(
      JobID jobId,
      Collection<JobDetailsInfo.JobVertexDetailsInfo> vertices,
      Map<String, List<String>> metricsByOperator) {
    Map<String, AggregatedMetric> found = new HashMap<>();
    for (var vertex : vertices) {
      String name = vertex.getName() == null ? "" : vertex.getName();
      List<String> wanted = new ArrayList<>();
      metricsByOperator.forEach(
          (operator, metrics) -> {
            if (name.contains(operator)) {
              metrics.forEach(metric -> wanted.add(operator + "." + metric));
            }
          });
      if (wanted.isEmpty()) {
        continue;
      }
      try {
        found.putAll(aggregatedSubtaskMetrics(jobId, vertex.getJobVertexID(), wanted));
      } catch (FlinkRequestException e) {
        // Metrics of a vertex still being deployed: left out of this answer.
      }
    }
    return found;
  }

  public JarListInfo listJars() {
    return call(
        "GET /jars",
        requestTimeout,
        () ->
            rest.sendRequest(
                host,
                port,
                JarListHeaders.getInstance(),
                EmptyMessageParameters.getInstance(),
                EmptyRequestBody.getInstance()));
  }

  /**
   * Uploads a jar; Flink keeps the file name, so the name can carry a checksum.
   *
   * @return the jar id Flink assigned
   */
  public String uploadJar(Path jar) {
    JarUploadResponseBody response =
        call(
            "POST /jars/upload",
            submitTimeout,
            () ->
                rest.sendRequest(
                    host,
                    port,
                    JarUploadHeaders.getInstance(),
                    EmptyMessageParameters.getInstance(),
                    EmptyRequestBody.getInstance(),
                    List.of(new FileUpload(jar, JAR_CONTENT_TYPE))));
    String filename = response.getFilename();
    // Flink answers with the stored file's path; the jar id is its last segment.
    return filename.substring(filename.lastIndexOf('/') + 1);
  }

  /** Runs an uploaded jar; the body carries the JobID the caller chose. */
  public JobID runJar(String jarId, JarRunRequestBody body) {
    JarRunHeaders headers = JarRunHeaders.getInstance();
    JarRunMessageParameters params = headers.getUnresolvedMessageParameters();
    for (var path : params.getPathParameters()) {
      if (path.getKey().equals("jarid")) {
        resolveString(path, jarId);
      }
    }
    JarRunResponseBody response =
        call(
            "POST /jars/" + jarId + "/run",
            submitTimeout,
            () -> rest.sendRequest(host, port, headers, params, body));
    return response.getJobId();
  }

  /**
   * Triggers a savepoint under the caller's trigger id, so the caller can ask for its status even
   * when this request's answer is lost.
   */
  public void triggerSavepoint(JobID jobId, String directory, TriggerId triggerId) {
    SavepointTriggerRequestBody body =
        new SavepointTriggerRequestBody(directory, false, SavepointFormatType.CANONICAL, triggerId);
    TriggerResponse response =
        send(
            "POST /jobs/" + jobId + "/savepoints",
            SavepointTriggerHeaders.getInstance(),
            jobId,
            null,
            body);
    log.debug("Savepoint of {} triggered as {}", jobId, response.getTriggerId());
  }

  /**
   * Asks for a checkpoint now, beside the periodic ones ({@code POST /jobs/:jobid/checkpoints}, of
   * the configured type); does not wait for it.
   *
   * @return Flink's trigger id of the request
   */
  public TriggerId triggerCheckpoint(JobID jobId) {
    TriggerResponse response =
        send(
            "POST /jobs/" + jobId + "/checkpoints",
            CheckpointTriggerHeaders.getInstance(),
            jobId,
            null,
            new CheckpointTriggerRequestBody(CheckpointType.CONFIGURED, null));
    log.debug("Checkpoint of {} triggered as {}", jobId, response.getTriggerId());
    return response.getTriggerId();
  }

  /**
   * The checkpoint {@link #triggerCheckpoint} asked for: its id once completed, empty while in
   * progress.
   *
   * @throws FlinkRequestException when Flink reports that it failed
   */
  public Optional<Long> triggeredCheckpoint(JobID jobId, TriggerId triggerId) {
    OperationResult result =
        send(
            "GET /jobs/" + jobId + "/checkpoints/" + triggerId,
            OperationResult.asJson(CheckpointStatusHeaders.getInstance()),
            jobId,
            triggerId,
            null);
    if (!result.completed()) {
      return Optional.empty();
    }
    Optional<OperationFailure> failure = OperationFailure.in(result.operation(), "failureCause");
    if (failure.isPresent()) {
      throw FlinkRequestException.operationFailed(
          "Checkpoint failed: " + failure.get().description());
    }
    return Optional.of(result.operation().path("checkpointId").asLong());
  }

  /** Stops the job with a savepoint under the caller's trigger id. */
  public void stopWithSavepoint(JobID jobId, String directory, boolean drain, TriggerId triggerId) {
    StopWithSavepointRequestBody body =
        new StopWithSavepointRequestBody(
            directory, drain, SavepointFormatType.CANONICAL, triggerId);
    TriggerResponse response =
        send(
            "POST /jobs/" + jobId + "/stop",
            StopWithSavepointTriggerHeaders.getInstance(),
            jobId,
            null,
            body);
    log.debug("Stop-with-savepoint of {} triggered as {}", jobId, response.getTriggerId());
  }

  /** Status of a savepoint or stop-with-savepoint trigger. */
  public SavepointStatus savepointStatus(JobID jobId, TriggerId triggerId) {
    OperationResult result =
        send(
            "GET /jobs/" + jobId + "/savepoints/" + triggerId,
            OperationResult.asJson(SavepointStatusHeaders.getInstance()),
            jobId,
            triggerId,
            null);
    if (!result.completed()) {
      return SavepointStatus.inProgress();
    }
    String location = result.operation().path("location").textValue();
    Optional<OperationFailure> failure = OperationFailure.in(result.operation(), "failure-cause");
    if (failure.isEmpty()) {
      return new SavepointStatus(true, location, null);
    }
    // A savepoint written before stopping the job failed is still a good savepoint.
    if (location == null) {
      location =
          failure
              .get()
              .find(StopWithSavepointStoppingException.class)
              .map(StopWithSavepointStoppingException::getSavepointPath)
              .orElse(null);
    }
    return new SavepointStatus(true, location, failure.get().description());
  }

  /**
   * Asks Flink to dispose of a savepoint: delete its files ({@code POST /savepoint-disposal}).
   *
   * @return the trigger to ask {@link #savepointDisposalStatus} about
   */
  public TriggerId triggerSavepointDisposal(String path) {
    TriggerResponse response =
        send(
            "POST /savepoint-disposal",
            SavepointDisposalTriggerHeaders.getInstance(),
            null,
            null,
            new SavepointDisposalRequest(path));
    return response.getTriggerId();
  }

  /** Where a savepoint disposal stands. */
  public DisposalStatus savepointDisposalStatus(TriggerId triggerId) {
    OperationResult result =
        send(
            "GET /savepoint-disposal/" + triggerId,
            OperationResult.asJson(SavepointDisposalStatusHeaders.getInstance()),
            null,
            triggerId,
            null);
    if (!result.completed()) {
      return DisposalStatus.IN_PROGRESS;
    }
    Optional<OperationFailure> failure = OperationFailure.in(result.operation(), "failure-cause");
    if (failure.isEmpty()) {
      return DisposalStatus.DISPOSED;
    }
    if (failure.get().has(java.io.FileNotFoundException.class)) {
      return new DisposalStatus(true, null, true);
    }
    return new DisposalStatus(true, failure.get().description(), false);
  }

  public void cancel(JobID jobId) {
    var headers = JobCancellationHeaders.getInstance();
    JobCancellationMessageParameters params =
        headers
            .getUnresolvedMessageParameters()
            .resolveJobId(jobId)
            .resolveTerminationMode(TerminationModeQueryParameter.TerminationMode.CANCEL);
    call(
        "PATCH /jobs/" + jobId,
        requestTimeout,
        () -> rest.sendRequest(host, port, headers, params, EmptyRequestBody.getInstance()));
  }

  @Override
  public void close() {
    try {
      rest.closeAsync().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.debug("Flink REST client did not close cleanly", e);
    } finally {
      executor.shutdownNow();
    }
  }

  private <R extends RequestBody, P extends ResponseBody, M extends MessageParameters> P send(
      String what, MessageHeaders<R, P, M> headers, JobID jobId, TriggerId triggerId, R body) {
    M params = headers.getUnresolvedMessageParameters();
    resolvePath(params, jobId, null, triggerId);
    @SuppressWarnings("unchecked")
    R request = body == null ? (R) EmptyRequestBody.getInstance() : body;
    return call(what, requestTimeout, () -> rest.sendRequest(host, port, headers, params, request));
  }

  private static void resolvePath(
      MessageParameters params, JobID jobId, JobVertexID vertexId, TriggerId triggerId) {
    for (var path : params.getPathParameters()) {
      if (path instanceof JobIDPathParameter job && jobId != null) {
        job.resolve(jobId);
      } else if (path instanceof JobVertexIdPathParameter vertex && vertexId != null) {
        vertex.resolve(vertexId);
      } else if (path instanceof TriggerIdPathParameter trigger && triggerId != null) {
        trigger.resolve(triggerId);
      }
    }
  }

  private static void resolveString(MessageParameter<?> parameter, String value) {
    try {
      parameter.resolveFromString(value);
    } catch (Exception e) {
      throw new IllegalArgumentException("bad value for " + parameter.getKey() + ": " + value, e);
    }
  }

  @FunctionalInterface
  private interface Request<T> {
    CompletableFuture<T> send() throws IOException;
  }

  private <T> T call(String what, Duration timeout, Request<T> request) {
    CompletableFuture<T> future;
    try {
      future = request.send();
    } catch (IOException e) {
      throw new FlinkUnavailableException(
          "Cannot send " + what + " to Flink at " + url + ": " + e.getMessage(), e);
    }
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new FlinkUnavailableException(
          "Flink at " + url + " did not answer " + what + " within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FlinkUnavailableException("Interrupted while calling Flink: " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      RestClientException answered = findRestClientException(cause);
      if (answered != null) {
        int status = answered.getHttpResponseStatus().code();
        if (isNotAvailableYet(status)) {
          // A JobManager in leader election after a restart (or a proxy before one): Flink is not
          // there yet, which callers wait out; it refused nothing.
          throw new FlinkUnavailableException(
              "Flink at "
                  + url
                  + " answered "
                  + what
                  + " with "
                  + status
                  + ": "
                  + flinkReason(answered),
              answered);
        }
        throw new FlinkRequestException(
            status,
            "Flink answered " + what + " with " + status + ": " + flinkReason(answered),
            answered);
      }
      throw new FlinkUnavailableException(
          "Cannot reach Flink at " + url + " (" + what + "): " + describe(cause), cause);
    }
  }

  private static boolean isNotAvailableYet(int status) {
    return status == 502 || status == 503 || status == 504;
  }

  private static RestClientException findRestClientException(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof RestClientException rce) {
        return rce;
      }
    }
    return null;
  }

  /** Flink's error messages carry server stack traces; keep the first meaningful line. */
  static String flinkReason(RestClientException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String best = null;
    for (String line : message.split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("at ") || trimmed.startsWith("...")) {
        continue;
      }
      if (trimmed.startsWith("[")) {
        trimmed = trimmed.substring(1);
      }
      if (trimmed.startsWith("Internal server error.")) {
        continue;
      }
      // A "Caused by:" line is usually the most precise reason.
      if (trimmed.startsWith("Caused by: ")) {
        best = trimmed.substring("Caused by: ".length());
      } else if (best == null) {
        best = trimmed;
      }
    }
    if (best == null) {
      best = "no reason given";
    }
    if (best.endsWith("]")) {
      best = best.substring(0, best.length() - 1);
    }
    return best.length() > 500 ? best.substring(0, 500) + "..." : best;
  }

  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    // An exception whose class this side does not have stays in Flink's wrapper, named within.
    String className =
        root instanceof SerializedThrowable serialized
            ? serialized.getOriginalErrorClassName()
            : root.getClass().getName();
    String text =
        className.substring(className.lastIndexOf('.') + 1)
            + (message == null ? "" : ": " + message.strip());
    int newline = text.indexOf('\n');
    text = newline < 0 ? text : text.substring(0, newline);
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }
}
