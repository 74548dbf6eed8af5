package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.jobs.JobJars;
import io.fraudpipeline.control.jobs.Observation;
import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.savepoints.Restorability;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What {@code GET /api/v1/pipeline} shows: the desired state beside what runs, whether they agree,
 * the reconciler's status, and whether an upgrade is due. Reads only: the last observation of
 * Flink, the desired state and status as last read.
 */
@Component
public class PipelineViews {

  /** {@code observed.state} when Flink runs no fraud job. */
  static final String NO_JOB = "NONE";

  /** {@code observed.state} when Flink did not answer: what runs is not known. */
  static final String UNKNOWN = "UNKNOWN";

  private final DesiredStateLog desired;
  private final PipelineStatusStore statusStore;
  private final FraudJobObserver observer;
  private final JobJars jars;
  private final Restorability restorability;
  private final Leadership leadership;
  private final ReconcilerProperties properties;

  PipelineViews(
      DesiredStateLog desired,
      PipelineStatusStore statusStore,
      FraudJobObserver observer,
      JobJars jars,
      Restorability restorability,
      Leadership leadership,
      ReconcilerProperties properties) {
    this.desired = desired;
    this.statusStore = statusStore;
    this.observer = observer;
    this.jars = jars;
    this.restorability = restorability;
    this.leadership = leadership;
    this.properties = properties;
  }

  public PipelineView current() {
    Optional<DesiredState> wanted = desired.current();
    PipelineStatus status = statusStore.read().orElse(null);
    Observation observation = observer.current();
    FraudJob job = observation.activeJob().orElse(null);
    boolean inSync =
        wanted
            .map(
                d ->
                    d.spec().running()
                        ? job != null
                            && "RUNNING".equals(job.state())
                            && d.spec().sameJobSettings(job.parallelism(), job.deliveryGuarantee())
                        : job == null)
            .orElse(false);
    return new PipelineView(
        wanted.orElse(null),
        observed(observation),
        observation.flinkReachable(),
        observation.observedAt(),
        observation.flinkReachable() && inSync,
        status,
        status == null || status.lastState() == null
            ? null
            : restorability.assessFromLastSample(status.lastState().transactionsOffsets()),
        upgradeView(
            properties.upgrade().mode().name().toLowerCase(Locale.ROOT),
            jars.shippedSha256(),
            wanted.orElse(null),
            job,
            status),
        leadership.leaderId().orElse(null),
        leadership.replicaId());
  }

  /**
   * The {@code observed} member: the active fraud job, else a job of state {@value #NO_JOB} (Flink
   * answered and runs none) or {@value #UNKNOWN} (Flink did not answer), so that it is always there
   * and {@code observed.state} always says what runs.
   */
  static FraudJob observed(Observation observation) {
    return observation
        .activeJob()
        .orElseGet(
            () ->
                FraudJob.withoutDetails(
                    null,
                    null,
                    observation.flinkReachable() ? NO_JOB : UNKNOWN,
                    null,
                    null,
                    null,
                    observation.observedAt()));
  }

  /**
   * Whether an upgrade is available: the job runs another jar than the one shipped (not one an
   * upgrade was rolled back from or went away from), or other settings than desired.
   */
  static UpgradeView upgradeView(
      String mode, String shipped, DesiredState wanted, FraudJob job, PipelineStatus status) {
    String running =
        job == null
            ? null
            : status == null ? job.jarSha256() : status.runningJar(job.jobId(), job.jarSha256());
    List<String> reasons = new ArrayList<>();
    boolean upgrading = status != null && status.upgrading();
    boolean available = false;
    if (wanted != null && wanted.spec().running() && job != null && !upgrading) {
      if (shipped != null && !shipped.equals(running)) {
        boolean rejected = status != null && status.rejectedJars().contains(shipped);
        boolean superseded = status != null && status.supersededJars().contains(shipped);
        // A jar rolled back from, or upgraded away from, is no upgrade on offer (auto mode never
        // takes it again): said among the reasons, but not available, or `available` would stay
        // true for good on a replica that ships it.
        available = !rejected && !superseded;
        reasons.add(
            "The job runs jar "
                + (running == null ? "unknown (deployed before jars were recorded)" : running)
                + "; this control plane ships "
                + shipped
                + (rejected
                    ? ", which is not offered again: an upgrade to it was rolled back (POST"
                        + " /api/v1/pipeline/upgrade may still ask for it)"
                    : superseded
                        ? ", which is not offered again: the pipeline was upgraded away from it"
                            + " (POST /api/v1/pipeline/upgrade may still go back to it)"
                        : ""));
      }
      PipelineSpec spec = wanted.spec();
      if (!spec.sameJobSettings(job.parallelism(), job.deliveryGuarantee())) {
        available = true;
        reasons.add("The desired settings changed: " + settingsChanged(job, spec));
      }
    }
    return new UpgradeView(
        mode,
        available,
        reasons,
        shipped,
        running,
        wanted == null ? null : wanted.spec().jarSha256(),
        status == null ? List.of() : status.rejectedJars(),
        status == null ? List.of() : status.supersededJars(),
        status == null ? null : status.upgrade());
  }

  /**
   * The job's settings the spec changes, as "parallelism 2 → 1" (those that differ, as {@link
   * PipelineSpec#sameJobSettings} tells them).
   */
  static String settingsChanged(FraudJob job, PipelineSpec spec) {
    List<String> changed = new ArrayList<>();
    if (job.parallelism() != null && job.parallelism() != spec.parallelism()) {
      changed.add("parallelism " + job.parallelism() + " → " + spec.parallelism());
    }
    if (job.deliveryGuarantee() != null && job.deliveryGuarantee() != spec.deliveryGuarantee()) {
      changed.add(job.deliveryGuarantee().argument() + " → " + spec.deliveryGuarantee().argument());
    }
    return String.join(", ", changed);
  }
}
