package io.fraudpipeline.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * A real Flink session cluster in this JVM: a {@link MiniCluster} with its REST API and web UI, jar
 * upload and run enabled, so clients talk to it exactly as to a standalone JobManager.
 *
 * <p>Jobs do not survive a restart of this cluster (nor do uploaded jars); savepoints written to
 * {@link #savepointDir()} do, when the data directory is persistent.
 */
public final class LocalFlink implements AutoCloseable {

  /**
   * How to start the cluster.
   *
   * @param restPort REST API and web UI port; 0 for any free one
   * @param taskManagers number of TaskManagers
   * @param slotsPerTaskManager task slots in each TaskManager
   * @param dataDir where checkpoints, savepoints and uploaded jars live; null for a temporary
   *     directory deleted on close
   * @param extraConfig further Flink settings ({@code config.yaml} keys)
   */
  public record Options(
      int restPort,
      int taskManagers,
      int slotsPerTaskManager,
      Path dataDir,
      Map<String, String> extraConfig) {

    public Options {
      if (taskManagers < 1 || slotsPerTaskManager < 1) {
        throw new IllegalArgumentException("need at least one TaskManager with one slot");
      }
      extraConfig = extraConfig == null ? Map.of() : Map.copyOf(extraConfig);
    }

    /** Any free port, one TaskManager with four slots, temporary data. */
    public static Options defaults() {
      return new Options(0, 1, 4, null, Map.of());
    }

    public Options withTaskManagers(int count) {
      return new Options(restPort, count, slotsPerTaskManager, dataDir, extraConfig);
    }

    public Options withSlotsPerTaskManager(int slots) {
      return new Options(restPort, taskManagers, slots, dataDir, extraConfig);
    }
  }

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

  private final MiniCluster miniCluster;
  private final String restUrl;
  private final Path dataDir;
  private final boolean deleteOnClose;
  private boolean closed;

  private LocalFlink(MiniCluster miniCluster, String restUrl, Path dataDir, boolean deleteOnClose) {
    this.miniCluster = miniCluster;
    this.restUrl = restUrl;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
  }

  /** A cluster on a free REST port with one TaskManager of four slots and temporary data. */
  public static LocalFlink start() {
    return start(Options.defaults());
  }

  public static LocalFlink start(Options options) {
    boolean temporary = options.dataDir() == null;
    Path dataDir = temporary ? TempDirs.create("local-flink-") : options.dataDir().toAbsolutePath();
    Configuration config = configuration(options, dataDir);
    MiniCluster miniCluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(options.taskManagers())
                .setNumSlotsPerTaskManager(options.slotsPerTaskManager())
                .build());
    try {
      miniCluster.start();
      URI rest = miniCluster.getRestAddress().get(60, TimeUnit.SECONDS);
      String restUrl = "http://localhost:" + rest.getPort();
      awaitRestLeader(restUrl, Duration.ofSeconds(60));
      return new LocalFlink(miniCluster, restUrl, dataDir, temporary);
    } catch (Exception e) {
      miniCluster.closeAsync();
      if (temporary) {
        TempDirs.deleteQuietly(dataDir);
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot start the Flink MiniCluster", e);
    }
  }

  /**
   * The REST endpoint listens before the dispatcher's leader election is over, and answers 503 ("an
   * ongoing leader election") until then: the cluster is ready when {@code /overview} answers.
   */
  private static void awaitRestLeader(String restUrl, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest overview =
        HttpRequest.newBuilder(URI.create(restUrl + "/overview"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    int status = -1;
    while (System.nanoTime() < deadline) {
      try {
        status = http.send(overview, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // Not listening yet.
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "Flink's REST API at "
            + restUrl
            + " did not serve /overview within "
            + timeout
            + " (last status "
            + status
            + ")");
  }

  private static Configuration configuration(Options options, Path dataDir) {
    Path checkpoints = dataDir.resolve("checkpoints");
    Path savepoints = dataDir.resolve("savepoints");
    Path uploads = dataDir.resolve("uploads");
    Path blobs = dataDir.resolve("blobs");
    try {
      Files.createDirectories(checkpoints);
      Files.createDirectories(savepoints);
      Files.createDirectories(uploads);
      Files.createDirectories(blobs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Flink data directory " + dataDir, e);
    }
    Configuration config = new Configuration();
    config.set(RestOptions.BIND_ADDRESS, "localhost");
    config.set(RestOptions.ADDRESS, "localhost");
    config.set(RestOptions.BIND_PORT, String.valueOf(options.restPort()));
    // The BLOB server (jars and job artifacts, no authentication) binds jobmanager.bind-host, and
    // TaskManagers' ports taskmanager.bind-host; both default to every interface.
    config.set(JobManagerOptions.BIND_HOST, "localhost");
    config.set(TaskManagerOptions.BIND_HOST, "localhost");
    // Inside the data directory rather than a /tmp/minicluster_* directory a killed process leaves.
    config.set(BlobServerOptions.STORAGE_DIRECTORY, blobs.toString());
    // The control plane uploads and runs jars through the REST API, as on a real JobManager.
    config.set(WebOptions.SUBMIT_ENABLE, true);
    config.set(WebOptions.CANCEL_ENABLE, true);
    // web.upload.dir has no default; without it uploads land in a random temp dir.
    config.set(WebOptions.UPLOAD_DIR, uploads.toString());
    config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    config.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints.toUri().toString());
    // A cancelled job keeps its last checkpoint, so the control plane can bring it back from there.
    config.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    options.extraConfig().forEach(config::setString);
    return config;
  }

  /** {@code http://localhost:port}: the JobManager REST API and web UI. */
  public String restUrl() {
    return restUrl;
  }

  /** The underlying cluster, e.g. to terminate or start TaskManagers in fault tests. */
  public MiniCluster miniCluster() {
    return miniCluster;
  }

  /** Default target directory of savepoints ({@code execution.checkpointing.savepoint-dir}). */
  public Path savepointDir() {
    return dataDir.resolve("savepoints");
  }

  /** Default checkpoint directory ({@code execution.checkpointing.dir}). */
  public Path checkpointDir() {
    return dataDir.resolve("checkpoints");
  }

  /** Stops the cluster and every job on it (and deletes temporary data). Idempotent. */
  @Override
  public void close() {
    close(CLOSE_TIMEOUT);
  }

  /**
   * Stops the cluster and every job on it, waiting at most {@code timeout} for it (and deletes
   * temporary data either way). Idempotent: a second call returns true at once.
   *
   * @return false when the cluster had not stopped within {@code timeout}; it goes on stopping in
   *     the background
   */
  public synchronized boolean close(Duration timeout) {
    if (closed) {
      return true;
    }
    closed = true;
    try {
      miniCluster.closeAsync().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      // It stopped, with an error on the way; the cluster is gone either way.
      return true;
    } catch (TimeoutException e) {
      return false;
    } finally {
      if (deleteOnClose) {
        TempDirs.deleteQuietly(dataDir);
      }
    }
  }
}
