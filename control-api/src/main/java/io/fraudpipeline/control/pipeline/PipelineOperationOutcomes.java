package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationOutcomes;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * How an upgrade or a cancel ended when the replica that followed its operation stopped: the
 * reconciler carries on with both on whichever replica leads, so the work may well have succeeded.
 * An upgrade is told by the upgrade the reconciler's status reports for the operation's desired
 * version (only one upgrade operation is in progress at a time, and each asks for a version of its
 * own), a cancel by Flink's state of the cancelled job. Anything else, or what cannot be told
 * exactly, is left to {@link io.fraudpipeline.control.operations.Operations}, which fails it as
 * interrupted as before.
 */
@Component
class PipelineOperationOutcomes implements OperationOutcomes {

  private final Supplier<Optional<PipelineStatus>> status;
  private final FlinkService flink;

  @Autowired
  PipelineOperationOutcomes(PipelineStatusStore statusStore, FlinkService flink) {
    this(statusStore::read, flink);
  }

  /**
   * @param status the reconciler's status as last written (a Kafka read: may throw, and the
   *     operation is then asked about again later)
   */
  PipelineOperationOutcomes(Supplier<Optional<PipelineStatus>> status, FlinkService flink) {
    this.status = status;
    this.flink = flink;
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
      case CANCEL -> Optional.ofNullable(cancel(abandoned.jobId(), version));
      default -> Optional.empty();
    };
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
        case ROLLED_BACK, FAILED, ABANDONED -> new Failed(PipelineUpgrades.endedWithout(upgrade));
        case REPLACING, AWAITING_READINESS, ROLLING_BACK ->
            new UnderWay("the upgrade to jar " + upgrade.toJar() + " was " + upgrade.phase());
      };
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

  /** Done when Flink shows the job cancelled (or, gone, the reconciler recorded it suspended). */
  private Outcome cancel(String jobId, long version) {
    Optional<FlinkJob> job =
        flink.fraudJobs().stream().filter(j -> j.jobId().equals(jobId)).findFirst();
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
