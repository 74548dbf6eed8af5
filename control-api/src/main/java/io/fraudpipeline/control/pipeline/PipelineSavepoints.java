package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.savepoints.RunningJob;
import io.fraudpipeline.control.savepoints.SavepointPins;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What the savepoint housekeeping needs of the pipeline: the savepoints it must keep (the one the
 * desired state restores from, the reconciler's last state) and the job it expects to run, read
 * afresh from the desired-state and status topics.
 */
@Component
class PipelineSavepoints implements SavepointPins, RunningJob {

  private final DesiredStateLog desired;
  private final PipelineStatusStore status;
  private final FlinkService flink;

  PipelineSavepoints(DesiredStateLog desired, PipelineStatusStore status, FlinkService flink) {
    this.desired = desired;
    this.status = status;
    this.flink = flink;
  }

  @Override
  public List<Pin> pins() {
    List<Pin> pins = new ArrayList<>();
    desired
        .current()
        .filter(d -> d.spec().restoreSavepointPath() != null)
        .ifPresent(
            d ->
                pins.add(
                    new Pin(
                        d.spec().restoreSavepointPath(),
                        "the desired state (version "
                            + d.version()
                            + ") restores from it (restore_savepoint_path)")));
    status
        .read()
        .filter(PipelineStatus::upgrading)
        .map(s -> s.upgrade().rollbackPoint())
        .ifPresent(
            point ->
                pins.add(
                    new Pin(
                        point.path(),
                        "an upgrade in progress rolls back to it if the new jar is not ready")));
    status
        .read()
        .map(PipelineStatus::lastState)
        .ifPresent(
            last ->
                pins.add(
                    new Pin(
                        last.path(),
                        "it is the reconciler's last state: a lost or suspended job is deployed"
                            + " again from it")));
    return pins;
  }

  @Override
  public Optional<RunningJobInfo> current() {
    String expected = status.read().map(PipelineStatus::jobId).orElse(null);
    if (expected == null) {
      return Optional.empty();
    }
    return flink.fraudJobs().stream()
        .filter(j -> j.jobId().equals(expected) && j.isRunning() && settled(j))
        .findFirst()
        .map(PipelineSavepoints::info);
  }

  /**
   * A savepoint of a job whose tasks are still being deployed fails ("Not all required tasks are
   * currently running"); one taken before its first checkpoint finds no offsets committed yet.
   */
  private static boolean settled(FlinkJob job) {
    return !Boolean.FALSE.equals(job.tasksRunning()) && job.lastCheckpoint() != null;
  }

  private static RunningJobInfo info(FlinkJob job) {
    return new RunningJobInfo(
        job.jobId(),
        job.parallelism() == null ? 1 : job.parallelism(),
        job.deliveryGuarantee() == null ? null : job.deliveryGuarantee().argument(),
        job.jarSha256());
  }
}
