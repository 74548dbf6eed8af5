package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.jobs.JobJar;
import io.fraudpipeline.control.jobs.JobJars;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.operations.Exclusion;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationClaim;
import io.fraudpipeline.control.operations.OperationContext;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.Operations;
import io.fraudpipeline.model.FieldError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * {@code POST /api/v1/pipeline/upgrade}: moves the job onto another jar of the jar store by naming
 * it in the desired state, as an operation that reports each step the reconciler takes until the
 * upgrade succeeded, was rolled back or failed.
 */
@Service
public class PipelineUpgrades {

  private final JobJars jars;
  private final PipelineStatusStore statusStore;
  private final FraudJobObserver observer;
  private final DesiredStateLog desired;
  private final DesiredStateWriter writer;
  private final StatusAwaiter awaiter;
  private final Operations operations;
  private final ReconcilerProperties properties;
  private final Clock clock = Clock.systemUTC();

  PipelineUpgrades(
      JobJars jars,
      PipelineStatusStore statusStore,
      FraudJobObserver observer,
      DesiredStateLog desired,
      DesiredStateWriter writer,
      StatusAwaiter awaiter,
      Operations operations,
      ReconcilerProperties properties) {
    this.jars = jars;
    this.statusStore = statusStore;
    this.observer = observer;
    this.desired = desired;
    this.writer = writer;
    this.awaiter = awaiter;
    this.operations = operations;
    this.properties = properties;
  }

  /**
   * POST /api/v1/pipeline/upgrade: the desired state names the new jar; the reconciler takes the
   * old job down as the upgrade mode says, runs the new jar, and rolls back when it is not ready in
   * time. The operation follows it step by step.
   */
  public Operation upgrade(UpgradeRequest request, String actor) {
    // One at a time here: two requests at once would both pass the check below before either
    // started its operation.
    synchronized (this) {
      return startUpgrade(request, actor);
    }
  }

  private Operation startUpgrade(UpgradeRequest request, String actor) {
    String target = request.jarSha256() == null ? jars.require(null).sha256() : request.jarSha256();
    target = target.toLowerCase(Locale.ROOT);
    if (!jars.contains(target)) {
      String message =
          "no job jar with this checksum is in the jar store (fraud.job.jar-store), which keeps"
              + " the jar this control plane ships and every jar it ran";
      throw new InvalidInputException(List.of(new FieldError("jar_sha256", message)));
    }
    // The reconciler reports an upgrade only once it has started it: until then, the operation
    // following the upgrade asked for says one is in progress.
    operations.requireNoneInProgress(OperationKind.UPGRADE);
    PipelineStatus status = statusStore.read().orElse(null);
    if (status != null && status.upgrading()) {
      throw new StateConflictException(
          "An upgrade to jar "
              + status.upgrade().toJar()
              + " is in progress ("
              + status.upgrade().phase()
              + "); wait for it to end (GET /api/v1/pipeline)",
          Map.of("upgrade_phase", status.upgrade().phase().name()));
    }
    String jarToRun = target;
    Optional<FraudJob> active = observer.observeNow().activeJob();
    String runningJar = active.map(FraudJob::jarSha256).orElse(null);
    Optional<DesiredState> current = desired.current();
    if (current.isPresent()
        && jarToRun.equals(current.get().spec().jarSha256())
        && (active.isEmpty() || jarToRun.equals(runningJar))) {
      throw new StateConflictException(
          "The pipeline already "
              + (active.isEmpty() ? "asks for" : "runs")
              + " jar "
              + jarToRun
              + "; nothing to upgrade",
          Map.of("jar_sha256", jarToRun));
    }
    Instant started = clock.instant();
    String declaredBefore = current.map(d -> d.spec().jarSha256()).orElse(null);
    String jobId = active.map(FraudJob::jobId).orElse(null);
    Duration limit =
        properties
            .savepointTimeout()
            .plus(properties.upgrade().readinessTimeout())
            .plus(properties.awaitTimeout());
    // Claimed before the desired state names the jar: of two upgrades accepted at once on two
    // replicas, the one recorded second is refused.
    try (OperationClaim claim =
        operations.claim(
            OperationKind.UPGRADE, jobId, limit, Exclusion.ofKind(OperationKind.UPGRADE))) {
      return startClaimed(claim, request, jarToRun, declaredBefore, started, actor);
    }
  }

  private Operation startClaimed(
      OperationClaim claim,
      UpgradeRequest request,
      String jarToRun,
      String declaredBefore,
      Instant started,
      String actor) {
    DesiredState accepted =
        writer.changeSpec(
            actor,
            "POST /api/v1/pipeline/upgrade",
            spec -> {
              // Another replica's request for the same jar won the race for the next version
              // after the checks above passed here: one upgrade, not a second of the same.
              if (jarToRun.equals(spec.jarSha256()) && !jarToRun.equals(declaredBefore)) {
                throw new StateConflictException(
                    "An upgrade to jar "
                        + jarToRun
                        + " was declared by another request a moment ago; follow it in GET"
                        + " /api/v1/pipeline or GET /api/v1/operations",
                    Map.of("jar_sha256", jarToRun));
              }
              return spec.withJar(
                  jarToRun,
                  request.upgradeMode() == null ? spec.upgradeMode() : request.upgradeMode());
            });
    // The accepted version is recorded with the operation: the upgrade the reconciler reports for
    // it is the one to end it with, should this replica stop (PipelineOperationOutcomes).
    return claim.start(
        accepted.version(), context -> followUpgrade(accepted, jarToRun, started, context));
  }

  /**
   * Why an upgrade that was rolled back, failed or was abandoned ended its operation: the same
   * words whether the replica that follows it saw the end or another one learnt it afterwards.
   */
  static String endedWithout(Upgrade upgrade) {
    return "Upgrade to jar "
        + upgrade.toJar()
        + " "
        + upgrade.phase().name().toLowerCase(Locale.ROOT).replace('_', ' ')
        + ": "
        + upgrade.reason();
  }

  /**
   * How a later desired spec rules out an upgrade to {@code jar} not yet carried out, or null when
   * it still leads there (it names the same jar, running).
   */
  static String supersedes(PipelineSpec later, String jar) {
    if (later.jarSha256() != null && !later.jarSha256().equals(jar)) {
      return "which names jar " + JobJar.shortSha(later.jarSha256());
    }
    if (!later.running()) {
      return "which suspends the pipeline (a resume runs jar " + JobJar.shortSha(jar) + ")";
    }
    return null;
  }

  /**
   * Whether {@code step} worked towards {@code accepted} or a later version: a leader that read the
   * version before it (one naming another jar, which this request cancels) may still take steps for
   * it after this one was accepted, and they are not this upgrade's (probe 12, P12-3). A step of no
   * version of its own (an earlier release's) counts, as before.
   */
  private static boolean towardsThisOrLater(ReconcileStep step, DesiredState accepted) {
    return step.desiredVersion() == null || step.desiredVersion() >= accepted.version();
  }

  /** Reports each step of the upgrade the desired version asked for, until it has ended. */
  private String followUpgrade(
      DesiredState accepted, String jar, Instant since, OperationContext context)
      throws InterruptedException {
    context.step(
        "Desired state version "
            + accepted.version()
            + " names jar "
            + jar
            + " ("
            + accepted.spec().upgradeMode().json()
            + ")");
    if (!accepted.spec().running()) {
      context.step("The pipeline is suspended: it resumes on the new jar");
      return null;
    }
    Set<ReconcileStep> reported = new HashSet<>();
    while (clock.instant().isBefore(context.deadline())) {
      PipelineStatus status;
      try {
        status = statusStore.read().orElse(null);
      } catch (KafkaUnavailableException e) {
        status = null;
      }
      if (status != null) {
        for (ReconcileStep step : status.recentSteps()) {
          if (step.at().isAfter(since)
              && towardsThisOrLater(step, accepted)
              && reported.add(step)) {
            context.step(step.message());
          }
        }
        Upgrade upgrade = status.upgrade();
        // A later version that asked for the same jar (e.g. at another parallelism) carries this
        // one's upgrade out.
        if (upgrade != null
            && upgrade.desiredVersion() >= accepted.version()
            && upgrade.toJar().equals(jar)) {
          if (upgrade.phase() == Upgrade.Phase.SUCCEEDED) {
            if (upgrade.fromJobId() != null && upgrade.savepointTaken()) {
              context.savepointWritten(upgrade.rollbackPoint().path());
            }
            return upgrade.toJobId();
          }
          if (upgrade.phase() == Upgrade.Phase.ABANDONED) {
            // Abandoned for a later version: that version, and who asked for it, is the news.
            awaiter.requireNotSuperseded(accepted, status, later -> supersedes(later, jar));
          }
          if (upgrade.phase() == Upgrade.Phase.ROLLED_BACK
              || upgrade.phase() == Upgrade.Phase.FAILED
              || upgrade.phase() == Upgrade.Phase.ABANDONED) {
            throw new IllegalStateException(endedWithout(upgrade));
          }
        } else if (status.desiredVersion() >= accepted.version()
            && jar.equals(status.jobJarSha256())
            && !status.upgrading()
            && awaiter.jobActive(status.jobId())) {
          // No upgrade was needed (the job already ran this jar), or a later version took over.
          context.step("Job " + status.jobId() + " runs jar " + jar);
          return status.jobId();
        } else if (status.desiredVersion() > accepted.version()) {
          // The reconciler took up a later version before it began this upgrade: one that names
          // another jar or suspends the pipeline means this upgrade will never begin.
          awaiter.requireNotSuperseded(accepted, status, later -> supersedes(later, jar));
        }
      }
      Thread.sleep(StatusAwaiter.POLL_MILLIS);
    }
    throw new IllegalStateException(
        "The upgrade to jar " + jar + " had not ended by " + context.deadline());
  }
}
