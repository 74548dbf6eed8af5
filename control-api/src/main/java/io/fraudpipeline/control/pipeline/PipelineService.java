package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.errors.ExecutionFailedException;
import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.errors.VersionMismatchException;
import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FreeSlots;
import io.fraudpipeline.control.jobs.DeployRequest;
import io.fraudpipeline.control.jobs.Deployment;
import io.fraudpipeline.control.jobs.EmbeddedJobJar;
import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.jobs.JobJarUploader;
import io.fraudpipeline.control.jobs.JobJars;
import io.fraudpipeline.control.jobs.JobProperties;
import io.fraudpipeline.control.jobs.Observation;
import io.fraudpipeline.control.json.JsonBodies;
import io.fraudpipeline.control.json.JsonMergePatch;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationContext;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.Operations;
import io.fraudpipeline.control.savepoints.Restorability;
import io.fraudpipeline.control.savepoints.SavepointCatalog;
import io.fraudpipeline.control.savepoints.SavepointRecord;
import io.fraudpipeline.control.savepoints.SavepointView;
import io.fraudpipeline.control.versioning.ExpectedVersion;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.model.FieldError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Every change of what should run: {@code PUT}/{@code PATCH /api/v1/pipeline} and the job commands,
 * which are changes of the desired state too (deploy: running from a given state; stop: suspended
 * with a savepoint; cancel: suspended without one; rescale: another parallelism). Only the
 * reconciler moves the job; a command writes the desired state, then waits for the reconciler (on
 * whichever replica leads) to have carried it out.
 */
@Service
public class PipelineService {

  // How often a command reads the reconciler's status: a read of its topic's new records.
  private static final long AWAIT_POLL_MILLIS = 100;

  // The settings each wait's timeout comes from, named when it runs out.
  private static final String AWAIT_TIMEOUT = "fraud.reconciler.await-timeout";
  private static final String OPERATION_TIMEOUT =
      AWAIT_TIMEOUT + " plus fraud.reconciler.savepoint-timeout";

  /** Last steps after which no job is on its way: a deploy need not wait for one. */
  private static final java.util.Set<String> SETTLED_WITHOUT_JOB =
      java.util.Set.of("failed", "failed-reported", "give-up");

  private static final Logger log = LoggerFactory.getLogger(PipelineService.class);

  private final DesiredStateLog desired;
  private final PipelineStatusStore statusStore;
  private final FraudJobObserver observer;
  private final FlinkRestClient flink;
  private final JobJarUploader uploader;
  private final EmbeddedJobJar jar;
  private final JobJars jars;
  private final Restorability restorability;
  private final SavepointCatalog savepointCatalog;
  private final Operations operations;
  private final Leadership leadership;
  private final EventRecorder events;
  private final JobProperties jobProperties;
  private final FreeSlots freeSlots;
  private final ReconcilerProperties properties;
  private final Clock clock = Clock.systemUTC();

  PipelineService(
      DesiredStateLog desired,
      PipelineStatusStore statusStore,
      FraudJobObserver observer,
      FlinkRestClient flink,
      JobJarUploader uploader,
      EmbeddedJobJar jar,
      JobJars jars,
      Restorability restorability,
      SavepointCatalog savepointCatalog,
      Operations operations,
      Leadership leadership,
      EventRecorder events,
      JobProperties jobProperties,
      FreeSlots freeSlots,
      ReconcilerProperties properties) {
    this.desired = desired;
    this.statusStore = statusStore;
    this.observer = observer;
    this.flink = flink;
    this.uploader = uploader;
    this.jar = jar;
    this.jars = jars;
    this.restorability = restorability;
    this.savepointCatalog = savepointCatalog;
    this.operations = operations;
    this.leadership = leadership;
    this.events = events;
    this.jobProperties = jobProperties;
    this.freeSlots = freeSlots;
    this.properties = properties;
  }

  public PipelineView view() {
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
        job,
        observation.flinkReachable(),
        observation.observedAt(),
        observation.flinkReachable() && inSync,
        status,
        status == null || status.lastState() == null
            ? null
            : restorability.assessFromLastSample(status.lastState().transactionsOffsets()),
        upgradeView(wanted.orElse(null), job, status),
        leadership.leaderId().orElse(null),
        leadership.replicaId());
  }

  private UpgradeView upgradeView(DesiredState wanted, FraudJob job, PipelineStatus status) {
    String shipped = jars.shippedSha256();
    String running =
        job == null
            ? null
            : status == null ? job.jarSha256() : status.runningJar(job.jobId(), job.jarSha256());
    List<String> reasons = new ArrayList<>();
    boolean upgrading = status != null && status.upgrading();
    if (wanted != null && wanted.spec().running() && job != null && !upgrading) {
      if (shipped != null && !shipped.equals(running)) {
        boolean rejected = status != null && status.rejectedJars().contains(shipped);
        reasons.add(
            "The job runs jar "
                + (running == null ? "unknown (deployed before jars were recorded)" : running)
                + "; this control plane ships "
                + shipped
                + (rejected ? " (an upgrade to it was rolled back before)" : ""));
      }
      PipelineSpec spec = wanted.spec();
      if (!spec.sameJobSettings(job.parallelism(), job.deliveryGuarantee())) {
        reasons.add(
            "The desired settings changed: parallelism "
                + job.parallelism()
                + " → "
                + spec.parallelism()
                + ", "
                + (job.deliveryGuarantee() == null ? "?" : job.deliveryGuarantee().argument())
                + " → "
                + spec.deliveryGuarantee().argument());
      }
    }
    return new UpgradeView(
        properties.upgrade().mode().name().toLowerCase(Locale.ROOT),
        !reasons.isEmpty(),
        reasons,
        shipped,
        running,
        wanted == null ? null : wanted.spec().jarSha256(),
        status == null ? List.of() : status.rejectedJars(),
        status == null ? null : status.upgrade());
  }

  /**
   * POST /api/v1/pipeline/upgrade: the desired state names the new jar; the reconciler takes the
   * old job down as the upgrade mode says, runs the new jar, and rolls back when it is not ready in
   * time. The operation follows it step by step.
   */
  public Operation upgrade(UpgradeRequest request, String actor) {
    String target = request.jarSha256() == null ? jars.require(null).sha256() : request.jarSha256();
    target = target.toLowerCase(Locale.ROOT);
    if (!jars.contains(target)) {
      String message =
          "no job jar with this checksum is in the jar store (fraud.job.jar-store), which keeps"
              + " the jar this control plane ships and every jar it ran";
      throw new InvalidInputException(List.of(new FieldError("jar_sha256", message)));
    }
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
    DesiredState accepted =
        changeSpec(
            actor,
            "POST /api/v1/pipeline/upgrade",
            spec ->
                spec.withJar(
                    jarToRun,
                    request.upgradeMode() == null ? spec.upgradeMode() : request.upgradeMode()));
    String jobId = active.map(FraudJob::jobId).orElse(null);
    Duration limit =
        properties
            .savepointTimeout()
            .plus(properties.upgrade().readinessTimeout())
            .plus(properties.awaitTimeout());
    return operations.start(
        OperationKind.UPGRADE,
        jobId,
        limit,
        context -> followUpgrade(accepted, jarToRun, started, context));
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
          if (step.at().isAfter(since) && reported.add(step)) {
            context.step(step.message());
          }
        }
        Upgrade upgrade = status.upgrade();
        if (upgrade != null
            && upgrade.desiredVersion() == accepted.version()
            && upgrade.toJar().equals(jar)) {
          if (upgrade.phase() == Upgrade.Phase.SUCCEEDED) {
            if (upgrade.fromJobId() != null && upgrade.savepointTaken()) {
              context.savepointWritten(upgrade.rollbackPoint().path());
            }
            return upgrade.toJobId();
          }
          if (upgrade.phase() == Upgrade.Phase.ROLLED_BACK
              || upgrade.phase() == Upgrade.Phase.FAILED
              || upgrade.phase() == Upgrade.Phase.ABANDONED) {
            throw new IllegalStateException(
                "Upgrade to jar "
                    + jar
                    + " "
                    + upgrade.phase().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + ": "
                    + upgrade.reason());
          }
        } else if (status.desiredVersion() >= accepted.version()
            && jar.equals(status.jobJarSha256())
            && !status.upgrading()
            && jobActive(status.jobId())) {
          // No upgrade was needed (the job already ran this jar), or a later version took over.
          context.step("Job " + status.jobId() + " runs jar " + jar);
          return status.jobId();
        }
      }
      Thread.sleep(AWAIT_POLL_MILLIS);
    }
    throw new IllegalStateException(
        "The upgrade to jar " + jar + " had not ended by " + context.deadline());
  }

  public List<DesiredState> history(int limit) {
    List<DesiredState> all = desired.history();
    return all.subList(0, Math.min(limit, all.size()));
  }

  /** PUT: the body is the whole spec; absent fields take the configured defaults. */
  public DesiredState replace(ExpectedVersion expected, String body, String actor) {
    JsonNode document = JsonBodies.parse(body);
    return change(expected, actor, "PUT /api/v1/pipeline", current -> readWhole(document, current));
  }

  /**
   * PATCH: the body is a JSON merge patch (RFC 7396) of the current spec, and the result is read as
   * a PUT of the merged document: a member the patch removes ({@code null}) takes its default.
   */
  public DesiredState mergePatch(ExpectedVersion expected, String body, String actor) {
    JsonNode patch = JsonBodies.parse(body);
    return change(
        expected,
        actor,
        "PATCH /api/v1/pipeline",
        current -> {
          JsonNode merged = JsonMergePatch.apply(PipelineSpecDocuments.document(current), patch);
          return readWhole(merged, current);
        });
  }

  /** A whole spec document; what it leaves out takes the defaults, and the jar stays the same. */
  private PipelineSpec readWhole(JsonNode document, PipelineSpec current) {
    return PipelineSpecDocuments.read(
        document,
        defaults().withJar(current.jarSha256(), defaults().upgradeMode()),
        jobProperties.maxParallelism(),
        jars::contains);
  }

  private DesiredState change(
      ExpectedVersion expected, String actor, String cause, UnaryOperator<PipelineSpec> edit) {
    Optional<DesiredState> current = desired.current();
    long version = current.map(DesiredState::version).orElse(0L);
    if (!expected.matches(version)) {
      throw stale(version);
    }
    PipelineSpec before = current.map(DesiredState::spec).orElse(defaults());
    PipelineSpec after = edit.apply(before);
    if (current.isPresent() && after.equals(before)) {
      return current.get();
    }
    boolean newRestore =
        current.isEmpty()
            || (after.restoreSavepointPath() != null
                && !after.restoreSavepointPath().equals(before.restoreSavepointPath()));
    try {
      return propose(current, after, newRestore, actor, cause);
    } catch (StaleDesiredStateException e) {
      throw stale(e.current() == null ? 0 : e.current().version());
    }
  }

  /** POST /api/v1/jobs: running, from the given savepoint or without state. */
  public Deployment deploy(DeployRequest request, String actor) {
    Instant started = clock.instant();
    // A request that cannot be valid is told so first, even while the desired state is unreadable.
    if (request.parallelism() != null) {
      requireParallelismWithinLimit(request.parallelism());
    }
    Optional<DesiredState> current = desired.current();
    // What the request leaves out keeps what the pipeline last declared, as a PATCH would: a job
    // stopped at parallelism 4 and resumed from its savepoint comes back at 4, not at the default.
    PipelineSpec base = current.map(DesiredState::spec).orElse(defaults());
    int parallelism = request.parallelism() == null ? base.parallelism() : request.parallelism();
    // Again for one declared before fraud.job.max-parallelism was lowered.
    requireParallelismWithinLimit(parallelism);
    requireNotRunning(current);
    String restorePath = null;
    if (request.restore() != null) {
      restorePath =
          request.restore().wantsLatest()
              ? latestSavepoint()
              : request.restore().savepointPath().strip();
    }
    requireFreeSlots(parallelism, 0);
    JobJarUploader.UploadedJar uploaded = uploader.ensureUploaded();
    PipelineSpec spec =
        new PipelineSpec(
            PipelineState.RUNNING,
            parallelism,
            request.deliveryGuarantee() == null
                ? base.deliveryGuarantee()
                : request.deliveryGuarantee(),
            base.upgradeMode(),
            base.suspendMode(),
            base.restartFailed(),
            restorePath,
            Boolean.TRUE.equals(request.allowNonRestoredState()),
            // A deploy runs the jar this control plane ships.
            jars.shippedSha256());
    DesiredState accepted;
    try {
      accepted = propose(current, spec, true, actor, "POST /api/v1/jobs");
    } catch (StaleDesiredStateException e) {
      // Another change won the race; if it started the job, this deploy is a duplicate.
      requireNotRunning(Optional.ofNullable(e.current()));
      throw new StateConflictException(
          "The desired state changed while this deploy was being recorded; read GET"
              + " /api/v1/pipeline and retry");
    }
    PipelineStatus status =
        awaitStatus(
            accepted,
            started,
            properties.awaitTimeout(),
            AWAIT_TIMEOUT,
            s ->
                s.lineage() >= accepted.version()
                    && s.jobId() != null
                    && jobInitialised(s.jobId()));
    FraudJob job = observer.observeNow().job(status.jobId()).orElse(null);
    return new Deployment(
        status.jobId(),
        job == null ? "SUBMITTED" : job.state(),
        parallelism,
        spec.deliveryGuarantee(),
        restorePath,
        uploaded.jarId(),
        jar.sha256(),
        uploaded.uploadedNow());
  }

  /** POST /api/v1/jobs/{id}/stop: suspended with a savepoint (drained if asked). */
  public Operation stop(String jobId, boolean drain, String actor) {
    requireRunningJob(jobId);
    SuspendMode mode = drain ? SuspendMode.DRAIN : SuspendMode.SAVEPOINT;
    return suspendOperation(OperationKind.STOP, jobId, mode, actor, "POST /api/v1/jobs/{id}/stop");
  }

  /** POST /api/v1/jobs/{id}/cancel: suspended without a savepoint. */
  public Operation cancel(String jobId, String actor) {
    FraudJob job = requireFraudJob(jobId);
    if (!job.isActive()) {
      throw new StateConflictException(
          "Job " + jobId + " has already ended (" + job.state() + ")",
          Map.of("job_state", job.state()));
    }
    requireNoOperationInProgress(jobId);
    return suspendOperation(
        OperationKind.CANCEL, jobId, SuspendMode.CANCEL, actor, "POST /api/v1/jobs/{id}/cancel");
  }

  private Operation suspendOperation(
      OperationKind kind, String jobId, SuspendMode mode, String actor, String cause) {
    Instant started = clock.instant();
    DesiredState accepted =
        changeSpec(actor, cause, spec -> spec.withState(PipelineState.SUSPENDED, mode));
    Duration limit = operationTimeout();
    return operations.start(
        kind,
        jobId,
        limit,
        context -> {
          PipelineStatus status =
              awaitStatus(
                  accepted,
                  started,
                  limit,
                  OPERATION_TIMEOUT,
                  s ->
                      s.suspended()
                          && s.desiredVersion() >= accepted.version()
                          && !jobActive(jobId));
          if (mode != SuspendMode.CANCEL
              && status.lastState() != null
              && status.lastState().kind() == RestorePoint.Kind.SAVEPOINT
              && jobId.equals(status.lastState().jobId())) {
            context.savepointWritten(status.lastState().path());
          }
          observer.observeNow();
          return null;
        });
  }

  /** POST /api/v1/jobs/{id}/rescale: the same job at another parallelism. */
  public Operation rescale(String jobId, int parallelism, String actor) {
    requireParallelismWithinLimit(parallelism);
    FraudJob job = requireRunningJob(jobId);
    if (job.parallelism() != null && job.parallelism() == parallelism) {
      throw new StateConflictException(
          "Job " + jobId + " already runs at parallelism " + parallelism,
          Map.of("parallelism", parallelism));
    }
    // Refused before anything stops: the replacing job would wait for slots until the operation
    // timed out, with the old one already gone. Unknown, the old job's slots are not counted.
    requireFreeSlots(parallelism, job.parallelism() == null ? 0 : job.parallelism());
    Instant started = clock.instant();
    DesiredState accepted =
        changeSpec(
            actor, "POST /api/v1/jobs/{id}/rescale", spec -> spec.withParallelism(parallelism));
    Duration limit = operationTimeout();
    return operations.start(
        OperationKind.RESCALE,
        jobId,
        limit,
        context -> {
          PipelineStatus status =
              awaitStatus(
                  accepted,
                  started,
                  limit,
                  OPERATION_TIMEOUT,
                  s -> s.jobId() != null && !s.jobId().equals(jobId) && jobInitialised(s.jobId()));
          if (status.lastState() != null
              && status.lastState().kind() == RestorePoint.Kind.SAVEPOINT
              && jobId.equals(status.lastState().jobId())) {
            context.savepointWritten(status.lastState().path());
          }
          return status.jobId();
        });
  }

  private DesiredState changeSpec(String actor, String cause, UnaryOperator<PipelineSpec> edit) {
    for (int attempt = 0; ; attempt++) {
      Optional<DesiredState> current = desired.current();
      if (current.isEmpty()) {
        throw new StateConflictException(
            "No desired state is declared yet: deploy the job (POST /api/v1/jobs) or PUT"
                + " /api/v1/pipeline first");
      }
      try {
        return propose(current, edit.apply(current.get().spec()), false, actor, cause);
      } catch (StaleDesiredStateException e) {
        if (attempt == 2) {
          throw new StateConflictException("The desired state keeps changing; retry in a moment");
        }
      }
    }
  }

  private DesiredState propose(
      Optional<DesiredState> current,
      PipelineSpec spec,
      boolean newRestore,
      String actor,
      String cause) {
    long version = current.map(DesiredState::version).orElse(0L) + 1;
    String pipelineId =
        current.map(DesiredState::pipelineId).orElseGet(() -> UUID.randomUUID().toString());
    long restoreGeneration =
        newRestore ? version : current.map(DesiredState::restoreGeneration).orElse(0L);
    DesiredState next =
        new DesiredState(
            version,
            pipelineId,
            spec,
            restoreGeneration,
            clock.instant().truncatedTo(ChronoUnit.MILLIS),
            actor,
            cause);
    DesiredState accepted = desired.propose(next);
    log.info("Desired state version {} accepted ({}, by {}): {}", version, cause, actor, spec);
    events.normal(
        EventReason.DESIRED_STATE_CHANGED,
        "Desired state version "
            + version
            + " ("
            + cause
            + ", by "
            + actor
            + "): "
            + describe(spec),
        null);
    return accepted;
  }

  /**
   * How long a stop, cancel or rescale operation waits for the reconciler: the await timeout plus
   * the savepoint timeout, since the step it waits for may itself take a savepoint that long (a
   * large state's). Its reported deadline is the same.
   */
  private Duration operationTimeout() {
    return properties.awaitTimeout().plus(properties.savepointTimeout());
  }

  /**
   * Waits until the reconciler's status satisfies {@code done}; fails early when the reconciler
   * reports a failed step for this version, or with a conflict past {@code timeout}.
   *
   * @param timeoutSettings the settings {@code timeout} comes from, for the conflict's message
   */
  private PipelineStatus awaitStatus(
      DesiredState accepted,
      Instant since,
      Duration timeout,
      String timeoutSettings,
      Predicate<PipelineStatus> done) {
    Instant deadline = clock.instant().plus(timeout);
    PipelineStatus last = null;
    while (clock.instant().isBefore(deadline)) {
      try {
        last = statusStore.read().orElse(null);
      } catch (KafkaUnavailableException e) {
        last = null;
      }
      if (last != null) {
        // The failure first: a job whose submission failed can still look active for a moment
        // (Flink reports it INITIALIZING before FAILED), and the last step is the newest word.
        ReconcileStep step = last.lastStep();
        if (step != null
            && last.desiredVersion() == accepted.version()
            && step.at().isAfter(since)
            && ("failed".equals(step.action()) || "give-up".equals(step.action()))) {
          throw new ExecutionFailedException(
              "Desired state version "
                  + accepted.version()
                  + " was accepted, but the reconciler's step failed: "
                  + step.message(),
              Map.of("desired_version", accepted.version()));
        }
        if (done.test(last)) {
          return last;
        }
      }
      try {
        Thread.sleep(AWAIT_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interruptedWaiting(
            "the reconciler to carry out desired state version " + accepted.version());
      }
    }
    throw new StateConflictException(
        "Desired state version "
            + accepted.version()
            + " was accepted, but the reconciler had not carried it out within "
            + timeout
            + " ("
            + timeoutSettings
            + "); GET /api/v1/pipeline shows its progress"
            + (last == null || last.lastStep() == null
                ? ""
                : ". Its last step: " + last.lastStep().message()),
        Map.of("desired_version", accepted.version()));
  }

  private boolean jobActive(String jobId) {
    return observer.observeNow().job(jobId).map(FraudJob::isActive).orElse(false);
  }

  /**
   * Active and past INITIALIZING: Flink has restored the job's state. A job Flink cannot restore
   * (an unreadable savepoint) is INITIALIZING until it fails, and the submission waits for that, so
   * a command that took an initializing job for deployed would answer success for a failed one.
   */
  private boolean jobInitialised(String jobId) {
    return observer
        .observeNow()
        .job(jobId)
        .map(job -> job.isActive() && !"INITIALIZING".equals(job.state()))
        .orElse(false);
  }

  private void requireNotRunning(Optional<DesiredState> current) {
    if (current.isEmpty() || !current.get().spec().running()) {
      return;
    }
    Observation observation = observer.observeNow();
    Optional<FraudJob> active = observation.activeJob();
    if (active.isEmpty()) {
      // Declared running but nothing runs (e.g. a deploy a moment ago): wait for it briefly.
      active = awaitActiveJob();
    }
    if (active.isPresent()) {
      throw new StateConflictException(
          "The fraud job already runs on Flink as "
              + active.get().jobId()
              + " ("
              + active.get().state()
              + "); stop or cancel it first",
          Map.of(
              "running_job_id", active.get().jobId(),
              "running_job_state", active.get().state()));
    }
  }

  /**
   * A wait cut short (the operation was cancelled or the control plane is stopping) says so, not
   * that its timeout passed, nor that nothing was found.
   */
  private static StateConflictException interruptedWaiting(String what) {
    return new StateConflictException(
        "Stopped waiting for "
            + what
            + ": the operation was cancelled or the control plane is stopping; GET"
            + " /api/v1/pipeline shows the progress");
  }

  /**
   * Waits for the job of a desired state that says running, while the reconciler may still be
   * deploying it; answers at once when it has settled without one (failed, gave up).
   */
  private Optional<FraudJob> awaitActiveJob() {
    Instant deadline = clock.instant().plus(properties.awaitTimeout());
    while (clock.instant().isBefore(deadline)) {
      Optional<FraudJob> active = observer.observeNow().activeJob();
      if (active.isPresent()) {
        return active;
      }
      Optional<DesiredState> wanted = desired.current();
      PipelineStatus status = statusStore.read().orElse(null);
      boolean settled =
          wanted.isEmpty()
              || (status != null
                  && status.desiredVersion() >= wanted.get().version()
                  && status.lastStep() != null
                  && SETTLED_WITHOUT_JOB.contains(status.lastStep().action()));
      if (settled) {
        return Optional.empty();
      }
      try {
        Thread.sleep(AWAIT_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interruptedWaiting("the fraud job the desired state declares");
      }
    }
    return Optional.empty();
  }

  private FraudJob requireFraudJob(String jobId) {
    return observer.requireJob(jobId);
  }

  private FraudJob requireRunningJob(String jobId) {
    FraudJob job = requireFraudJob(jobId);
    if (!"RUNNING".equals(job.state())) {
      throw new StateConflictException(
          "Job " + jobId + " is " + job.state() + ", not RUNNING",
          Map.of("job_state", job.state()));
    }
    requireNoOperationInProgress(jobId);
    return job;
  }

  private void requireNoOperationInProgress(String jobId) {
    // A savepoint being taken does not hold up a stop, cancel or rescale.
    operations.requireNoneInProgress(jobId, kind -> kind != OperationKind.SAVEPOINT);
  }

  private void requireParallelismWithinLimit(int parallelism) {
    if (parallelism > jobProperties.maxParallelism()) {
      String message =
          "must be at most " + jobProperties.maxParallelism() + " (fraud.job.max-parallelism)";
      throw new InvalidInputException(List.of(new FieldError("parallelism", message)));
    }
  }

  private void requireFreeSlots(int parallelism, int freedSlots) {
    freeSlots.require(parallelism, freedSlots, "Parallelism " + parallelism);
  }

  /**
   * The newest savepoint that can be restored without loss; newer ones whose records Kafka already
   * deleted are skipped with a warning, and none left is refused naming them.
   */
  private String latestSavepoint() {
    SavepointCatalog.LatestChoice choice = savepointCatalog.latestRestorable();
    List<String> skipped =
        choice.skipped().stream()
            .map(s -> s.id() + " (" + s.path() + ", " + s.recordsDeleted() + " records deleted)")
            .toList();
    if (choice.chosen().isEmpty()) {
      if (skipped.isEmpty()) {
        throw new StateConflictException(
            "restore.latest asks for the newest savepoint, but the savepoint history is"
                + " empty; stop the job with a savepoint first or give savepoint_path");
      }
      throw new StateConflictException(
          "restore.latest found no savepoint that can be restored without loss: Kafka already"
              + " deleted records after the offsets of every one: "
              + String.join(", ", skipped)
              + ". Give savepoint_path to restore one anyway (the deleted records raise no alerts)",
          Map.of("unsafe_savepoints", choice.skipped().stream().map(SavepointView::id).toList()));
    }
    SavepointRecord chosen = choice.chosen().get();
    if (!skipped.isEmpty()) {
      events.warning(
          EventReason.UNSAFE_SAVEPOINT_SKIPPED,
          "restore.latest skipped newer savepoints whose records Kafka already deleted: "
              + String.join(", ", skipped)
              + "; restoring "
              + chosen.id()
              + " ("
              + chosen.path()
              + ")",
          null);
    }
    return chosen.path();
  }

  private static String describe(PipelineSpec spec) {
    return spec.state().json()
        + ", parallelism "
        + spec.parallelism()
        + ", "
        + spec.deliveryGuarantee().argument()
        + (spec.restoreSavepointPath() == null ? "" : ", restore " + spec.restoreSavepointPath());
  }

  private PipelineSpec defaults() {
    return new PipelineSpec(
        PipelineState.SUSPENDED,
        jobProperties.parallelism(),
        jobProperties.deliveryGuarantee(),
        UpgradeMode.SAVEPOINT,
        SuspendMode.SAVEPOINT,
        true,
        null,
        false,
        null);
  }

  private static VersionMismatchException stale(long version) {
    return new VersionMismatchException(
        "The desired state is at version "
            + version
            + ", not the one in If-Match: read it again (GET /api/v1/pipeline) and retry",
        Map.of("current_version", version));
  }
}
