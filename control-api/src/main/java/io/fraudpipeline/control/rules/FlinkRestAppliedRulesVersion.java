package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.flink.FlinkProperties;
import io.fraudpipeline.control.jobs.JobProperties;
import io.fraudpipeline.model.FraudJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Reads the applied rules version from Flink's REST API by itself, every {@code
 * fraud.flink.poll-interval}: the running job named {@code fraud.job.name}, the vertices holding
 * the rule operators, and the minimum over their subtasks of the {@code rulesVersionApplied} gauge.
 *
 * <p>Stop-gap: the jobs capability's Flink observer reads the same metric. When both are on one
 * branch, an {@link AppliedRulesVersion} backed by the observer replaces this class (delete it; the
 * rest of the capability only knows the interface).
 */
@Component
class FlinkRestAppliedRulesVersion implements AppliedRulesVersion, SmartLifecycle {

  /** The job's rule operators (fraud-job {@code Operators}), each with the gauge below. */
  static final List<String> RULE_OPERATORS = List.of("evaluate-rules", "velocity-rule");

  /** The gauge (fraud-job {@code JobMetrics.RULES_VERSION_APPLIED}). */
  static final String METRIC = "rulesVersionApplied";

  private static final Logger log = LoggerFactory.getLogger(FlinkRestAppliedRulesVersion.class);

  private final FlinkProperties flink;
  private final String jobName;
  private final HttpClient http;
  private final AppliedVersionTracker tracker = new AppliedVersionTracker();
  private final Clock clock = Clock.systemUTC();
  private ScheduledExecutorService scheduler;

  FlinkRestAppliedRulesVersion(FlinkProperties flink, JobProperties job) {
    this.flink = flink;
    this.jobName = job.name();
    this.http = HttpClient.newBuilder().connectTimeout(flink.requestTimeout()).build();
  }

  @Override
  public Optional<AppliedRules> current() {
    return tracker.current();
  }

  void poll() {
    try {
      Optional<String> job = runningJob();
      OptionalLong version = job.isPresent() ? appliedVersion(job.get()) : OptionalLong.empty();
      if (version.isPresent()) {
        tracker.observe(job.get(), version.getAsLong(), clock.instant());
      } else {
        tracker.forget();
      }
    } catch (IOException | RuntimeException e) {
      log.debug("Cannot read the applied rules version from Flink: {}", e.toString());
      tracker.forget();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Optional<String> runningJob() throws IOException, InterruptedException {
    for (JsonNode job : get("/jobs/overview").path("jobs")) {
      if (jobName.equals(job.path("name").asString(""))
          && "RUNNING".equals(job.path("state").asString(""))) {
        return Optional.of(job.path("jid").asString());
      }
    }
    return Optional.empty();
  }

  private OptionalLong appliedVersion(String jobId) throws IOException, InterruptedException {
    Long min = null;
    for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
      String name = vertex.path("name").asString("");
      for (String operator : RULE_OPERATORS) {
        if (!name.contains(operator)) {
          continue;
        }
        String metric = operator + "." + METRIC;
        String path =
            "/jobs/"
                + jobId
                + "/vertices/"
                + vertex.path("id").asString()
                + "/subtasks/metrics?agg=min&get="
                + URLEncoder.encode(metric, StandardCharsets.UTF_8);
        for (JsonNode value : get(path)) {
          if (metric.equals(value.path("id").asString()) && value.path("min").isNumber()) {
            long version = (long) value.path("min").asDouble();
            min = min == null ? version : Math.min(min, version);
          }
        }
      }
    }
    return min == null ? OptionalLong.empty() : OptionalLong.of(min);
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    String base = flink.restUrl().toString().replaceAll("/+$", "");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(flink.requestTimeout())
            .GET()
            .build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("Flink answered " + response.statusCode() + " to GET " + path);
    }
    return FraudJson.mapper().readTree(response.body());
  }

  @Override
  public synchronized void start() {
    if (scheduler != null) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "applied-rules-poller");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(
        this::poll, 0, flink.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return scheduler != null;
  }
}
