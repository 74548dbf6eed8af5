package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.errors.VersionMismatchException;
import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.FreeSlots;
import io.fraudpipeline.control.jobs.DeployRequest;
import io.fraudpipeline.control.jobs.Deployment;
import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.jobs.JobJar;
import io.fraudpipeline.control.jobs.JobJarUploader;
import io.fraudpipeline.control.jobs.JobJars;
import io.fraudpipeline.control.jobs.JobProperties;
import io.fraudpipeline.control.jobs.Observation;
import io.fraudpipeline.control.json.JsonBodies;
import io.fraudpipeline.control.json.JsonMergePatch;
import io.fraudpipeline.control.operations.Exclusion;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationClaim;
import io.fraudpipeline.control.operations.OperationContext;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.Operations;
import io.fraudpipeline.control.savepoints.Restorability;
import io.fraudpipeline.control.savepoints.SavepointCatalog;
import io.fraudpipeline.control.savepoints.SavepointRecord;
import io.fraudpipeline.control.savepoints.SavepointView;
import io.fraudpipeline.control.versioning.ExpectedVersion;
import io.fraudpipeline.model.FieldError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
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

  // The settings each wait's timeout comes from, named when it runs out.
  private static final String AWAIT_TIMEOUT = "fraud.reconciler.await-timeout";
  private static final String OPERATION_TIMEOUT =
      AWAIT_TIMEOUT + " plus fraud.reconciler.savepoint-timeout";

  private final DesiredStateLog desired;
  private final DesiredStateWriter writer;
  private final StatusAwaiter awaiter;
  private final PipelineStatusStore statusStore;
  private final FraudJobObserver observer;
  private final JobJarUploader uploader;
  private final JobJars jars;
  private final SavepointCatalog savepointCatalog;
  private final Restorability restorability;
  private final Operations operations;
  private final EventRecorder events;
  private final JobProperties jobProperties;
  private final FreeSlots freeSlots;
  private final ReconcilerProperties properties;
  private final Clock clock = Clock.systemUTC();

  PipelineService(
      DesiredStateLog desired,
      DesiredStateWriter writer,
      StatusAwaiter awaiter,
      PipelineStatusStore statusStore,
      FraudJobObserver observer,
      JobJarUploader uploader,
      JobJars jars,
      SavepointCatalog savepointCatalog,
      Restorability restorability,
      Operations operations,
      EventRecorder events,
      JobProperties jobProperties,
      FreeSlots freeSlots,
      ReconcilerProperties properties) {
    this.desired = desired;
    this.writer = writer;
    this.awaiter = awaiter;
    this.statusStore = statusStore;
    this.observer = observer;
    this.uploader = uploader;
    this.jars = jars;
    this.savepointCatalog = savepointCatalog;
    this.restorability = restorability;
    this.operations = operations;
    this.events = events;
    this.jobProperties = jobProperties;
    this.freeSlots = freeSlots;
    this.properties = properties;
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
        writer.defaults().withJar(current.jarSha256(), writer.defaults().upgradeMode()),
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
    PipelineSpec before = current.map(DesiredState::spec).orElse(writer.defaults());
    PipelineSpec after = edit.apply(before);
    if (current.isPresent() && after.equals(before)) {
      return current.get();
    }
    if (after.running() && (!before.running() || after.parallelism() != before.parallelism())) {
      // As a deploy or rescale: a job Flink has no slots for would restart forever, with the one
      // it replaces already gone.
      Integer freed = observer.observeNow().activeJob().map(FraudJob::parallelism).orElse(null);
      requireFreeSlots(after.parallelism(), freed == null ? 0 : freed);
    }
    boolean newRestore =
        current.isEmpty()
            || (after.restoreSavepointPath() != null
                && !after.restoreSavepointPath().equals(before.restoreSavepointPath()));
    if (after.restoreSavepointPath() != null
        && !after.restoreSavepointPath().equals(before.restoreSavepointPath())) {
      requireRestorable("restore_savepoint_path", after.restoreSavepointPath());
    }
    try {
      return writer.propose(current, after, newRestore, actor, cause);
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
    PipelineSpec base = current.map(DesiredState::spec).orElse(writer.defaults());
    int parallelism = request.parallelism() == null ? base.parallelism() : request.parallelism();
    // Again for one declared before fraud.job.max-parallelism was lowered.
    requireParallelismWithinLimit(parallelism);
    requireNotRunning(current);
    String restorePath = null;
    if (request.restore() != null) {
      restorePath =
          request.restore().wantsLatest()
              ? latestState()
              : request.restore().savepointPath().strip();
      if (!request.restore().wantsLatest()) {
        requireRestorable("restore.savepoint_path", restorePath);
      }
    }
    requireFreeSlots(parallelism, 0);
    JobJar deployed = deployedJar(base);
    JobJarUploader.UploadedJar uploaded = uploader.ensureUploaded(deployed);
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
            deployed.sha256());
    DesiredState accepted;
    try {
      accepted = writer.propose(current, spec, true, actor, "POST /api/v1/jobs");
    } catch (StaleDesiredStateException e) {
      // Another change won the race; if it started the job, this deploy is a duplicate.
      requireNotRunning(Optional.ofNullable(e.current()));
      throw new StateConflictException(
          "The desired state changed while this deploy was being recorded; read GET"
              + " /api/v1/pipeline and retry");
    }
    PipelineStatus status;
    try {
      status =
          awaiter.awaitStatus(
              accepted,
              started,
              properties.awaitTimeout(),
              AWAIT_TIMEOUT,
              // A later version that suspends the pipeline: no job will come. One that keeps it
              // running (a rescale, a restore) still leads to a job of this lineage or a later one.
              later -> later.running() ? null : "which suspends the pipeline",
              s ->
                  s.lineage() >= accepted.version()
                      && s.jobId() != null
                      && awaiter.jobInitialised(s.jobId()));
    } catch (StatusAwaiter.SupersededException e) {
      // Answered at once, as a superseded operation ends: before, the request waited its whole
      // timeout for a job the reconciler would never run.
      throw new StateConflictException(
          e.getMessage(),
          Map.of("desired_version", accepted.version(), "superseded_by_version", e.by()));
    }
    FraudJob job = observer.observeNow().job(status.jobId()).orElse(null);
    return new Deployment(
        status.jobId(),
        job == null ? "SUBMITTED" : job.state(),
        parallelism,
        spec.deliveryGuarantee(),
        restorePath,
        uploaded.jarId(),
        deployed.sha256(),
        uploaded.uploadedNow());
  }

  /**
   * The jar a deploy runs: the one the pipeline last declared, as it keeps its parallelism, or the
   * shipped one before any. A pipeline upgraded to a newer jar and deployed again through a replica
   * of the previous release would otherwise go back to that release's jar without an upgrade's
   * readiness check and rollback; moving to the shipped jar is an upgrade.
   */
  private JobJar deployedJar(PipelineSpec declared) {
    String sha256 = declared.jarSha256();
    if (sha256 == null) {
      return jars.require(null);
    }
    return jars.find(sha256)
        .orElseThrow(
            () ->
                new StateConflictException(
                    "The pipeline runs jar "
                        + JobJar.shortSha(sha256)
                        + ", which this replica's jar store (fraud.job.jar-store) does not hold:"
                        + " deploy through a replica that holds it, or name another jar with POST"
                        + " /api/v1/pipeline/upgrade first"));
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
    Duration limit = operationTimeout();
    // Claimed before the desired state changes: of two requests for the job at once, on any
    // replicas, the one recorded second is refused before it takes the job down.
    try (OperationClaim claim = operations.claim(kind, jobId, limit, inTheWayOf(jobId))) {
      DesiredState accepted =
          writer.changeSpec(actor, cause, spec -> spec.withState(PipelineState.SUSPENDED, mode));
      // The accepted version is recorded with the operation: what tells its end, should this
      // replica stop (a cancel: PipelineOperationOutcomes).
      return claim.start(
          accepted.version(),
          context -> {
            Supplier<PipelineStatus> suspended =
                () ->
                    awaiter.awaitStatus(
                        accepted,
                        started,
                        limit,
                        OPERATION_TIMEOUT,
                        // A later version that runs the pipeline again: this job is not taken down.
                        spec -> spec.running() ? "which runs the pipeline again" : null,
                        s ->
                            s.suspended()
                                && s.desiredVersion() >= accepted.version()
                                && !awaiter.jobActive(jobId));
            if (mode == SuspendMode.CANCEL) {
              suspended.get();
            } else {
              awaitKeepingSavepoint(context, jobId, suspended);
            }
            observer.observeNow();
            return null;
          });
    }
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
    Duration limit = operationTimeout();
    try (OperationClaim claim =
        operations.claim(OperationKind.RESCALE, jobId, limit, inTheWayOf(jobId))) {
      DesiredState accepted =
          writer.changeSpec(
              actor, "POST /api/v1/jobs/{id}/rescale", spec -> spec.withParallelism(parallelism));
      // The accepted version is recorded with the operation: what tells its end, should this
      // replica stop while the reconciler replaces the job (PipelineOperationOutcomes).
      return claim.start(
          accepted.version(),
          context -> {
            Supplier<PipelineStatus> replaced =
                () ->
                    awaiter.awaitStatus(
                        accepted,
                        started,
                        limit,
                        OPERATION_TIMEOUT,
                        // A later version that suspends or asks for another parallelism: no job
                        // at this one will come; one that keeps it (e.g. a resume) still leads
                        // there.
                        spec ->
                            !spec.running()
                                ? "which suspends the pipeline"
                                : spec.parallelism() != parallelism
                                    ? "which asks for parallelism " + spec.parallelism()
                                    : null,
                        s ->
                            s.jobId() != null
                                && !s.jobId().equals(jobId)
                                && awaiter.jobInitialised(s.jobId()));
            PipelineStatus status = awaitKeepingSavepoint(context, jobId, replaced);
            return status.jobId();
          });
    }
  }

  /**
   * The status {@code await} waits for, with the savepoint the reconciler took of {@code jobId}
   * reported as the operation's however the wait ends: reached, or ruled out by a later version
   * after the stop step already wrote it.
   */
  private static PipelineStatus awaitKeepingSavepoint(
      OperationContext context, String jobId, Supplier<PipelineStatus> await) {
    PipelineStatus status;
    try {
      status = await.get();
    } catch (StatusAwaiter.SupersededException e) {
      keepSavepoint(context, e.status(), jobId);
      throw e;
    }
    keepSavepoint(context, status, jobId);
    return status;
  }

  /**
   * Reports the savepoint the reconciler took of {@code jobId} as the operation's, when its status
   * shows one: written by its stop step, it is kept (and in the history) however the operation
   * ends.
   */
  private static void keepSavepoint(OperationContext context, PipelineStatus status, String jobId) {
    if (status.lastState() != null
        && status.lastState().kind() == RestorePoint.Kind.SAVEPOINT
        && jobId.equals(status.lastState().jobId())) {
      context.savepointWritten(status.lastState().path());
    }
  }

  /**
   * How long a stop, cancel or rescale operation waits for the reconciler: the await timeout plus
   * the savepoint timeout, since the step it waits for may itself take a savepoint that long (a
   * large state's). Its reported deadline is the same.
   */
  private Duration operationTimeout() {
    return properties.awaitTimeout().plus(properties.savepointTimeout());
  }

  private void requireNotRunning(Optional<DesiredState> current) {
    if (current.isEmpty() || !current.get().spec().running()) {
      return;
    }
    // Unreachable, Flink cannot tell whether the job runs: 503 now, not a wait for a job never
    // seen.
    Observation observation = observer.observeNow().requireReachable();
    Optional<FraudJob> active = observation.activeJob();
    if (active.isEmpty()) {
      // Declared running but nothing runs (e.g. a deploy a moment ago): wait for it briefly.
      active = awaiter.awaitActiveJob();
    }
    if (active.isPresent()) {
      throw new StateConflictException(
          "The fraud job already runs on Flink as "
              + active.get().jobId()
              + " ("
              + active.get().state()
              + "); stop or cancel it first, or change what it runs from in the desired state"
              + " (PATCH /api/v1/pipeline, e.g. restore_savepoint_path)",
          Map.of(
              "running_job_id", active.get().jobId(),
              "running_job_state", active.get().state()));
    }
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
    operations.requireNoneInProgress(inTheWayOf(jobId));
  }

  /** What holds up a stop, cancel or rescale of the job: any operation on it but a savepoint. */
  private static Exclusion inTheWayOf(String jobId) {
    // A savepoint being taken does not hold up a stop, cancel or rescale.
    return Exclusion.onJob(jobId, kind -> kind != OperationKind.SAVEPOINT);
  }

  /**
   * Refuses a state to restore the control plane can see is none (a mistyped path): caught here,
   * before the reconciler takes the running job down for it.
   */
  private void requireRestorable(String field, String path) {
    String last =
        statusStore.read().map(PipelineStatus::lastState).map(RestorePoint::path).orElse(null);
    savepointCatalog
        .visiblyMissing(path, last)
        .ifPresent(
            why -> {
              throw new InvalidInputException(List.of(new FieldError(field, why)));
            });
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
   * What {@code restore: {"latest": true}} restores: the last job's retained checkpoint when it is
   * newer than every savepoint, else the newest savepoint that can be restored without loss.
   *
   * <p>A cancel leaves the job's newest checkpoint, not a savepoint: restoring the savepoint before
   * it would read again what the cancelled job had read since, and write the alerts already
   * committed for it a second time. The checkpoint is the state the reconciler itself resumes from.
   */
  private String latestState() {
    SavepointCatalog.LatestChoice choice = savepointCatalog.latestRestorable();
    RestorePoint last = statusStore.read().map(PipelineStatus::lastState).orElse(null);
    boolean checkpointIsNewest =
        last != null
            && last.kind() == RestorePoint.Kind.CHECKPOINT
            && choice.chosen().map(s -> last.at().isAfter(s.createdAt())).orElse(true)
            && !restorability.assess(last.transactionsOffsets()).unsafe();
    if (checkpointIsNewest) {
      return last.path();
    }
    return latestSavepoint(choice);
  }

  /**
   * The newest savepoint that can be restored without loss; newer ones whose records Kafka already
   * deleted are skipped with a warning, and none left is refused naming them.
   */
  private String latestSavepoint(SavepointCatalog.LatestChoice choice) {
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

  private static VersionMismatchException stale(long version) {
    return new VersionMismatchException(
        "The desired state is at version "
            + version
            + ", not the one in If-Match: read it again (GET /api/v1/pipeline) and retry",
        Map.of("current_version", version));
  }
}
