package io.fraudpipeline.chaos.fault;

import io.fraudpipeline.chaos.cluster.ChildProcess;
import io.fraudpipeline.chaos.cluster.FlinkProcesses;
import io.fraudpipeline.chaos.cluster.ProcessCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code kill -9} of the JobManager, then a fresh one on the same configuration. The session
 * cluster has no high availability, so the fresh JobManager knows no job: the control plane (its
 * desired state and reconciler) must deploy it again from the latest retained checkpoint.
 *
 * <p>When no job runs after {@link #jobBackTimeout}, the scenario says so and does what an operator
 * would: deploys the job through a control-api replica from the latest retained checkpoint, so that
 * the counting shows whether that path loses or duplicates alerts.
 */
public final class JobManagerKill implements Fault {

  private final Duration jobBackTimeout;

  public JobManagerKill(Duration jobBackTimeout) {
    this.jobBackTimeout = jobBackTimeout;
  }

  @Override
  public String id() {
    return "jobmanager-kill";
  }

  @Override
  public String title() {
    return "kill -9 of the JobManager, then a fresh one";
  }

  @Override
  public FaultLog inject(ChaosContext context) throws Exception {
    ChildProcess jobManager = context.cluster().flink().jobManager();
    long pid = jobManager.pid();
    FaultLog log = new FaultLog().mark("kill -9 jobmanager");
    jobManager.kill9();
    log.note("kill -9 of the JobManager (pid " + pid + ")");
    jobManager.restart();
    context
        .cluster()
        .flink()
        .awaitTaskManagers(FlinkProcesses.TASK_MANAGERS, ProcessCluster.restartTimeout());
    log.mark("fresh JobManager up");
    log.note("a fresh JobManager started; both TaskManagers registered with it");
    if (context.awaitRunningJob(jobBackTimeout)) {
      log.mark("job running again");
      return log.note("the control plane brought the job back on its own");
    }
    log.fail(
        "no job running "
            + jobBackTimeout.toSeconds()
            + " s after the fresh JobManager was up: no control-api replica redeployed it");
    Optional<Path> checkpoint = latestCheckpoint(context.cluster().flink().checkpointDir());
    String path = checkpoint.map(p -> p.toUri().toString()).orElse(null);
    log.mark("manual redeploy");
    String jobId;
    try {
      jobId = context.liveControlPlane().client().deploy(context.parallelism(), true, path);
    } catch (IllegalStateException e) {
      return log.note(
          "FAILED: the operator's redeploy through POST /api/v1/jobs failed: " + e.getMessage());
    }
    log.note(
        "the harness then deployed the job as an operator would, through POST /api/v1/jobs"
            + (path == null
                ? " without a checkpoint (none was retained)"
                : " restoring the latest retained checkpoint " + checkpoint.get().getFileName())
            + ": job "
            + jobId);
    if (!context.awaitRunningJob(ProcessCluster.restartTimeout())) {
      log.fail("the redeployed job did not reach RUNNING");
    }
    return log;
  }

  /** The newest {@code chk-N} directory holding a completed checkpoint's {@code _metadata}. */
  static Optional<Path> latestCheckpoint(Path checkpointDir) throws IOException {
    if (!Files.isDirectory(checkpointDir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(checkpointDir, 3)) {
      return files
          .filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .max(Comparator.comparing(JobManagerKill::lastModified));
    }
  }

  private static long lastModified(Path path) {
    try {
      return Files.getLastModifiedTime(path.resolve("_metadata")).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
