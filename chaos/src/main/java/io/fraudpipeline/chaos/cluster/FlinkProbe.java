package io.fraudpipeline.chaos.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.rest.RestClient;
import org.apache.flink.runtime.rest.handler.legacy.messages.ClusterOverviewWithVersion;
import org.apache.flink.runtime.rest.messages.ClusterOverviewHeaders;
import org.apache.flink.runtime.rest.messages.EmptyMessageParameters;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobsOverviewHeaders;

/**
 * What the harness asks the JobManager directly (TaskManagers registered, jobs running), through
 * Flink's own {@link RestClient} and message headers rather than hand-read JSON.
 */
public final class FlinkProbe implements AutoCloseable {

  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final RestClient client;
  private final String host;
  private final int port;

  public FlinkProbe(String restUrl) {
    URI uri = URI.create(restUrl);
    this.host = uri.getHost();
    this.port = uri.getPort();
    try {
      this.client = new RestClient(new Configuration(), executor);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create Flink's RestClient", e);
    }
  }

  /** TaskManagers registered with the JobManager. */
  public int taskManagers() throws Exception {
    ClusterOverviewWithVersion overview =
        client
            .sendRequest(
                host,
                port,
                ClusterOverviewHeaders.getInstance(),
                EmptyMessageParameters.getInstance(),
                EmptyRequestBody.getInstance())
            .get(10, TimeUnit.SECONDS);
    return overview.getNumTaskManagersConnected();
  }

  /** Ids of the jobs in state RUNNING. */
  public List<String> runningJobs() throws Exception {
    return client
        .sendRequest(
            host,
            port,
            JobsOverviewHeaders.getInstance(),
            EmptyMessageParameters.getInstance(),
            EmptyRequestBody.getInstance())
        .get(10, TimeUnit.SECONDS)
        .getJobs()
        .stream()
        .filter(job -> job.getStatus().name().equals("RUNNING"))
        .map(JobDetails::getJobId)
        .map(Object::toString)
        .toList();
  }

  /** Waits until {@code count} TaskManagers are registered, or throws. */
  public void awaitTaskManagers(int count, Duration timeout, ChildProcess jobManager)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      jobManager.requireAlive();
      try {
        if (taskManagers() >= count) {
          return;
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        // the JobManager is not answering yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(count + " TaskManagers not registered within " + timeout);
      }
      Thread.sleep(500);
    }
  }

  @Override
  public void close() {
    client.closeAsync();
    executor.shutdownNow();
  }
}
