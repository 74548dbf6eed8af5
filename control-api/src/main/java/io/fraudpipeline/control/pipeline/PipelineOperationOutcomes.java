package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.OperationOutcomes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * How an upgrade, a stop, a cancel or a rescale ended when the replica that followed its operation
 * stopped: the reconciler carries on with all four on whichever replica leads, so the work may well
 * have succeeded. An upgrade is told by the upgrade the reconciler's status reports for the
 * operation's desired version (only one upgrade operation is in progress at a time, and each asks
 * for a version of its own), or failed by a later version the reconciler took up that names another
 * jar or suspends the pipeline, as its follower would have ended it; a stop by the suspension the
 * status records for that version (with the savepoint the job was stopped with, which a new leader
 * records too when the old one died during the stop), a cancel by Flink's state of the cancelled
 * job, a rescale by the job that replaced the rescaled one at the parallelism its desired version
 * asked for. Anything else, or what cannot be told exactly, is left to {@link
 * io.fraudpipeline.control.operations.Operations}, which fails it as interrupted as before. (A
 * savepoint and a backtest are their replica's own work, not the reconciler's: nothing carries them
 * on.)
 */
@Component
class PipelineOperationOutcomes implements OperationOutcomes {

  private static final Logger log = LoggerFactory.getLogger(PipelineOperationOutcomes.class);

  private final Supplier<Optional<PipelineStatus>> status;
  private final Supplier<List<FlinkJob>> jobs;
  private final Supplier<List<DesiredState>> desired;
  private final EventRecorder events;

  @Autowired
  PipelineOperationOutcomes(
      PipelineStatusStore statusStore,
      FraudJobObserver observer,
      DesiredStateLog desiredLog,
      EventRecorder events) {
    // The observer's last observation (at most a poll interval old), not a fresh one: a sweep
    // asks about every abandoned operation, and an observation a poll old only delays an ending
    // by one sweep.
    this(
        statusStore::read,
        () -> observer.current().requireReachable().flinkJobs(),
        desiredLog::history,
        events);
  }

  /**
   * @param status the reconciler's status as last written (a Kafka read: may throw, and the
   *     operation is then asked about again later)
   * @param jobs the fraud jobs Flink last reported (may throw when Flink was unreachable, with the
   *     same effect)
   * @param desired every accepted desired version, newest first (a Kafka read, with the same
   *     effect): what a rescale's version asked for
   * @param events where the deployment a stopped replica did not tell of is told
   */
  PipelineOperationOutcomes(
      Supplier<Optional<PipelineStatus>> status,
      Supplier<List<FlinkJob>> jobs,
      Supplier<List<DesiredState>> desired,
      EventRecorder events) {
    this.status = status;
    this.jobs = jobs;
    this.desired = desired;
    this.events = events;
  }

  @Override
  public Optional<Outcome> outcomeOf(Operation abandoned) {
    // Recorded without its version (before the field existed): nothing ties it to the
    // reconciler's record exactly.
    if (abandoned.desiredVersion() == null) {
      return Optional.empty();
    }
    long version = abandoned.desiredVersion();
    return switch (abandoned.kind()) {
      case UPGRADE -> Optional.ofNullable(upgrade(version));
      case STOP -> Optional.ofNullable(stop(abandoned.jobId(), version, abandoned.createdAt()));
      case CANCEL -> Optional.ofNullable(cancel(abandoned.jobId(), version));
      case RESCALE ->
          Optional.ofNullable(rescale(abandoned.jobId(), version, abandoned.createdAt()));
      default -> Optional.empty();
    };
  }

  /**
   * A rescale completed without its replica: the event a rescale's deployment records, naming the
   * new job ({@link EventReason#JOB_DEPLOYED}, "Replacement of job ... deployed from ... as job
   * ..."), when the replica that deployed it stopped before recording it, i.e. while Flink was
   * taking the job: then the newest step naming the job is still the intent written before Flink
   * was asked. (When the request's replica was a follower, or died later, the leader recorded it.)
   */
  @Override
  public void settled(Operation completed) {
    String newJob = completed.newJobId();
    if (completed.kind() != OperationKind.RESCALE || newJob == null) {
      return;
    }
    PipelineStatus current;
    try {
      current = status.get().orElse(null);
    } catch (RuntimeException e) {
      log.info("Cannot tell whether job {}'s deployment was recorded: {}", newJob, e.getMessage());
      return;
    }
    if (current == null
        || !newJob.equals(current.jobId())
        || PipelineActions.whyNeverOnFlink(current).isEmpty()) {
      return;
    }
    events.normal(
        EventReason.JOB_DEPLOYED,
        "Replacement of job "
            + completed.jobId()
            + " deployed from "
            + RestorePoint.describe(current.lastState())
            + " as job "
            + newJob
            + " (the replica deploying it stopped before recording it; rescale operation "
            + completed.id()
            + " completed)",
        newJob);
  }

  /** As {@code PipelineUpgrades.followUpgrade} would have ended, from the reconciler's status. */
  private Outcome upgrade(long version) {
    PipelineStatus current = status.get().orElse(null);
    Upgrade upgrade = current == null ? null : current.upgrade();
    if (upgrade != null && upgrade.desiredVersion() == version) {
      return switch (upgrade.phase()) {
        case SUCCEEDED ->
            new Completed(
                upgrade.toJobId(),
                upgrade.fromJobId() != null && upgrade.savepointTaken()
                    ? upgrade.rollbackPoint().path()
                    : null);
        case ROLLED_BACK, FAILED -> new Failed(PipelineUpgrades.endedWithout(upgrade));
        case ABANDONED -> {
          Outcome superseded = supersededUpgrade(version, current);
          yield superseded != null
              ? superseded
              : new Failed(PipelineUpgrades.endedWithout(upgrade));
        }
        case REPLACING, AWAITING_READINESS, ROLLING_BACK ->
            new UnderWay("the upgrade to jar " + upgrade.toJar() + " was " + upgrade.phase());
      };
    }
    Outcome superseded = current == null ? null : supersededUpgrade(version, current);
    if (superseded != null) {
      return superseded;
    }
    if (upgrade == null || upgrade.desiredVersion() < version) {
      // Not begun yet: the old job is still being taken down, or a new leader has yet to take
      // the version up.
      return new UnderWay(
          "the reconciler had not begun the upgrade desired state version "
              + version
              + " asks for");
    }
    // A later version's upgrade has replaced it in the status: how this one ended is not known.
    return null;
  }

  /**
   * As {@code PipelineUpgrades.followUpgrade} ends an upgrade a later version ruled out: once the
   * reconciler took up a later version, the newest one names another jar or suspends the pipeline;
   * null when it still leads to this version's jar, or what this version asked for is not known.
   */
  private Outcome supersededUpgrade(long version, PipelineStatus current) {
    if (current.desiredVersion() <= version) {
      return null;
    }
    List<DesiredState> history = desired.get();
    PipelineSpec asked = specOf(history, version);
    if (asked == null || asked.jarSha256() == null || history.get(0).version() <= version) {
      return null;
    }
    DesiredState newest = history.get(0);
    String why = PipelineUpgrades.supersedes(newest.spec(), asked.jarSha256());
    return why == null
        ? null
        : new Failed(StatusAwaiter.superseded(version, newest, why, current.lastStep()));
  }

  /**
   * As {@code PipelineService.stop}'s wait would have ended: done once the status records the
   * pipeline suspended for this version with the job no longer active, with the savepoint it was
   * stopped with; failed when the reconciler reports its step for this version failed; else under
   * way (the reconciler tries the stop again each step) until the operation's deadline.
   */
  private Outcome stop(String jobId, long version, Instant accepted) {
    PipelineStatus current = status.get().orElse(null);
    Optional<FlinkJob> job = job(jobId);
    boolean active = job.isPresent() && job.get().isActive();
    if (current != null && current.desiredVersion() >= version && jobId.equals(current.jobId())) {
      if (current.suspended() && !active) {
        RestorePoint last = current.lastState();
        return new Completed(
            null,
            last != null && last.kind() == RestorePoint.Kind.SAVEPOINT && jobId.equals(last.jobId())
                ? last.path()
                : null);
      }
      Optional<ReconcileStep> failed = StatusAwaiter.failedStep(current, version, accepted);
      if (failed.isPresent()) {
        return new Failed(StatusAwaiter.stepFailed(version, failed.get()));
      }
      if (current.desiredVersion() > version && !current.suspended()) {
        // A later version runs the pipeline again: whether this job was stopped first is not
        // known from here.
        return null;
      }
    } else if (current != null && current.desiredVersion() >= version) {
      // The status follows another job: this one was not the pipeline's when it was taken down.
      return null;
    }
    String where =
        active
            ? "job " + jobId + " was still " + job.get().state() + ", not stopped"
            : "the reconciler had not recorded the suspension desired state version "
                + version
                + " asks for"
                + job.map(j -> " (job " + jobId + " was " + j.state() + ")").orElse("");
    return new UnderWay(
        current == null || current.lastStep() == null
            ? where
            : where + "; the reconciler's last step: " + current.lastStep().message());
  }

  /**
   * As {@code PipelineService.rescale}'s wait would have ended: failed when the reconciler reports
   * its step for this version failed; done once the status names a job other than the rescaled one,
   * active and past INITIALIZING at the parallelism this version asked for, with the savepoint the
   * rescaled job was stopped with; else under way (the reconciler stops and redeploys it, on
   * whichever replica leads) until the operation's deadline.
   */
  private Outcome rescale(String jobId, long version, Instant accepted) {
    PipelineStatus current = status.get().orElse(null);
    if (current == null || current.desiredVersion() < version) {
      return new UnderWay(
          "the reconciler had not taken up desired state version "
              + version
              + (current == null || current.lastStep() == null
                  ? ""
                  : "; its last step: " + current.lastStep().message()));
    }
    // A failed last step first, as the wait does: a job whose submission failed can still look
    // active. An earlier failure of this version only unless its job runs since.
    ReconcileStep step = current.lastStep();
    ReconcileStep failed = StatusAwaiter.failedStep(current, version, accepted).orElse(null);
    if (failed != null && failed.equals(step)) {
      return new Failed(StatusAwaiter.stepFailed(version, failed));
    }
    List<DesiredState> history = desired.get();
    PipelineSpec asked = specOf(history, version);
    if (asked == null) {
      return null;
    }
    String replacement = current.jobId();
    Optional<FlinkJob> job =
        replacement == null || replacement.equals(jobId) ? Optional.empty() : job(replacement);
    if (job.isPresent()) {
      Integer parallelism =
          job.get().parallelism() != null ? job.get().parallelism() : current.jobParallelism();
      if (parallelism == null || parallelism != asked.parallelism()) {
        // At another parallelism (a later version's), or one not known: whether a job at this
        // one ever ran is not known from here.
        return null;
      }
      if (job.get().isActive() && !"INITIALIZING".equals(job.get().state())) {
        RestorePoint last = current.lastState();
        return new Completed(
            replacement,
            last != null && last.kind() == RestorePoint.Kind.SAVEPOINT && jobId.equals(last.jobId())
                ? last.path()
                : null);
      }
    }
    if (failed != null) {
      return new Failed(StatusAwaiter.stepFailed(version, failed));
    }
    PipelineSpec newest = history.isEmpty() ? null : history.get(0).spec();
    if (current.desiredVersion() > version
        && (newest == null || !newest.running() || newest.parallelism() != asked.parallelism())) {
      // A later version suspends the pipeline or asks for another parallelism: no job at this
      // one will come, and whether one ran meanwhile is not known from here.
      return null;
    }
    String where =
        job.isPresent()
            ? "job " + replacement + " was " + job.get().state()
            : "no job had replaced job " + jobId + " at parallelism " + asked.parallelism();
    return new UnderWay(
        step == null ? where : where + "; the reconciler's last step: " + step.message());
  }

  /** The spec desired state {@code version} asked for, or null when the history lacks it. */
  private static PipelineSpec specOf(List<DesiredState> history, long version) {
    return history.stream()
        .filter(d -> d.version() == version)
        .map(DesiredState::spec)
        .findFirst()
        .orElse(null);
  }

  private Optional<FlinkJob> job(String jobId) {
    return jobs.get().stream().filter(j -> j.jobId().equals(jobId)).findFirst();
  }

  /** Done when Flink shows the job cancelled (or, gone, the reconciler recorded it suspended). */
  private Outcome cancel(String jobId, long version) {
    Optional<FlinkJob> job = job(jobId);
    if (job.isPresent()) {
      if ("CANCELED".equals(job.get().state())) {
        return new Completed(null, null);
      }
      // Still active: the reconciler (a new leader, perhaps) cancels it next.
      return job.get().isActive()
          ? new UnderWay("job " + jobId + " was still " + job.get().state())
          : null;
    }
    // Flink no longer lists it (its history expired, or the cluster was replaced): the reconciler
    // took it down for this version's suspension if its status says so, the job still named.
    PipelineStatus current = status.get().orElse(null);
    return current != null
            && current.suspended()
            && current.desiredVersion() >= version
            && jobId.equals(current.jobId())
        ? new Completed(null, null)
        : null;
  }
}
