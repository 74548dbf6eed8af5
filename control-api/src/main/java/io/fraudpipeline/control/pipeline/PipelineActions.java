package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.flink.DuplicateJobException;
import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.flink.FlinkService;
import io.fraudpipeline.control.flink.JobSubmission;
import io.fraudpipeline.control.flink.SavepointAwaiter.SavepointFailedException;
import io.fraudpipeline.control.flink.StoppedJobUnknownException;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.leadership.Leadership;
import io.fraudpipeline.control.savepoints.RestoreSafety;
import io.fraudpipeline.control.savepoints.SavepointRecord;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the reconciler does to Flink once it has decided: deploy a job (its intent written first),
 * stop one with a savepoint it records, cancel one; and which state a job starts from. The
 * decisions are {@link PipelineReconciler}'s and its parts'; each of them asks {@link #leading()}
 * before acting, so a replica that lost the leadership does nothing.
 */
final class PipelineActions {

  private static final Logger log = LoggerFactory.getLogger(PipelineActions.class);

  /**
   * How long after a job finished Flink's answer about its savepoints is trusted to be complete:
   * the REST API serves a job's checkpoint statistics from a cache refreshed every {@code
   * web.refresh-interval} (3 s by default), so right after a stop it may still answer from before
   * the savepoint.
   */
  static final Duration STATISTICS_SETTLE = Duration.ofSeconds(10);

  private final FlinkService flink;
  private final CheckpointStorage storage;
  private final EventRecorder events;
  private final Leadership leadership;
  private final Consumer<PipelineStatus> intentWriter;
  private final UnaryOperator<SavepointRecord> savepointRecorder;
  private final TransactionsRetention retention;
  private final ReconcilerProperties properties;
  private final String jarSha256;
  private final ReconcileSteps steps;
  private final FlinkReachability reachability;
  private final Clock clock;
  private final Map<String, RestorePoint> foundStops = new ConcurrentHashMap<>();

  /** See {@link PipelineReconciler}'s constructor for what each part is. */
  PipelineActions(
      FlinkService flink,
      CheckpointStorage storage,
      EventRecorder events,
      Leadership leadership,
      Consumer<PipelineStatus> intentWriter,
      UnaryOperator<SavepointRecord> savepointRecorder,
      TransactionsRetention retention,
      ReconcilerProperties properties,
      String jarSha256,
      ReconcileSteps steps,
      FlinkReachability reachability,
      Clock clock) {
    this.flink = flink;
    this.storage = storage;
    this.events = events;
    this.leadership = leadership;
    this.intentWriter = intentWriter;
    this.savepointRecorder = savepointRecorder;
    this.retention = retention;
    this.properties = properties;
    this.jarSha256 = jarSha256;
    this.steps = steps;
    this.reachability = reachability;
    this.clock = clock;
  }

  /** Whether this replica may act (it leads); says so in the log when it may not. */
  boolean leading() {
    if (leadership.isLeader()) {
      return true;
    }
    log.info("Not acting: replica {} no longer leads", leadership.replicaId());
    return false;
  }

  void cancel(FlinkJob job) throws InterruptedException {
    flink.cancel(job.jobId(), properties.cancelTimeout());
  }

  /** The step recorded, before Flink is asked, of a deployment of {@code jobId}. */
  private static String intentMessage(String jobId, String what) {
    return "Deploying " + jobId + ": " + what;
  }

  /** The step recorded when Flink refused or did not answer the run request of {@code jobId}. */
  private static String refusedMessage(String jobId, String why) {
    return "Submitting " + jobId + " failed: " + why;
  }

  /**
   * Why the expected job is missing from Flink, when the status shows it never got there: its
   * submission is recorded as pending (the replica that recorded it stopped or lost the leadership
   * before it could record more; whether its submission is still under way is unknown) or as
   * refused or unanswered. Empty once Flink took it or it was seen there: then Flink lost it.
   */
  static Optional<String> whyNeverOnFlink(PipelineStatus status) {
    if (status.jobId() == null || status.jobSubmission() == null) {
      return Optional.empty();
    }
    return switch (status.jobSubmission()) {
      case PENDING ->
          Optional.of(
              "is not on Flink and was never seen there (the replica deploying it recorded no"
                  + " answer from Flink: it stopped or lost the leadership before, or its"
                  + " submission is still under way)");
      case REFUSED -> Optional.of("was never started on Flink (its submission failed)");
      case ACCEPTED -> Optional.empty();
    };
  }

  /**
   * Deploys the fraud job as the desired state says, from the given state and jar, under a JobID
   * derived from the desired version. The status naming the new job is written before Flink sees
   * it; a submission Flink refuses leaves a failed step and a backoff before the next try.
   *
   * @param jar the jar's checksum; null for the jar this control plane ships
   * @param upgrade the upgrade this deployment belongs to, or null
   */
  PipelineStatus deploy(
      DesiredState desired,
      PipelineStatus status,
      RestorePoint from,
      String jar,
      Upgrade upgrade,
      StepEvent said)
      throws InterruptedException {
    if (!leading()) {
      return status;
    }
    PipelineSpec spec = desired.spec();
    PipelineStatus.Builder intent = status.toBuilder();
    intent.jobId = JobIds.derive(desired.pipelineId(), desired.version(), status.jobId());
    intent.deployments = status.deployments() + 1;
    intent.lastState = from;
    intent.jobJarSha256 = jar == null ? jarSha256 : jar;
    intent.jobParallelism = spec.parallelism();
    intent.jobDeliveryGuarantee = spec.deliveryGuarantee();
    return submit(intent, jar, spec.allowNonRestoredState(), status, upgrade, said, false);
  }

  /**
   * Submits again the job the status records as being deployed while Flink has never had it ({@link
   * #whyNeverOnFlink}): the same JobID, on the same jar, parallelism and guarantee, from {@code
   * from} (the recorded state; a newer checkpoint of that job only if it ran unseen). The recorded
   * submission may still land (its replica lost the leadership while Flink had not answered yet, or
   * the answer was lost), and Flink refuses a JobID it has had, so whichever of the two comes
   * second is refused and one job runs; a job under a new JobID would run beside it. Refused as a
   * duplicate, the job that landed is kept and said so.
   *
   * @param from the state to start from
   * @param upgrade the upgrade the recorded deployment belongs to, or null
   */
  PipelineStatus submitAgain(
      DesiredState desired,
      PipelineStatus status,
      RestorePoint from,
      Upgrade upgrade,
      StepEvent said)
      throws InterruptedException {
    if (!leading()) {
      return status;
    }
    PipelineSpec spec = desired.spec();
    PipelineStatus.Builder intent = status.toBuilder();
    intent.lastState = from;
    // A status written before these were recorded: what its deployment took from the spec.
    if (intent.jobJarSha256 == null) {
      intent.jobJarSha256 = spec.jarSha256() != null ? spec.jarSha256() : jarSha256;
    }
    if (intent.jobParallelism == null) {
      intent.jobParallelism = spec.parallelism();
    }
    if (intent.jobDeliveryGuarantee == null) {
      intent.jobDeliveryGuarantee = spec.deliveryGuarantee();
    }
    return submit(
        intent, intent.jobJarSha256, spec.allowNonRestoredState(), status, upgrade, said, true);
  }

  /**
   * Records {@code intent} (the job it names, with its state, jar and settings) durably, then has
   * Flink run that job; the step is what came of it ({@link Submission}): the job accepted
   * (started, or on Flink already), refused and backed off, or, Flink gone, the intent kept for
   * Flink to answer again.
   *
   * @param jar the jar to run; null for the shipped one
   * @param again whether the job is one recorded before ({@link #submitAgain})
   */
  private PipelineStatus submit(
      PipelineStatus.Builder intent,
      String jar,
      boolean allowNonRestoredState,
      PipelineStatus status,
      Upgrade upgrade,
      StepEvent said,
      boolean again)
      throws InterruptedException {
    String jobId = intent.jobId;
    RestorePoint from = intent.lastState;
    intent.suspended = false;
    // An unhealthy report stays in the intent, naming the job it is about (which runs no more):
    // were this replica to die before the step's JobHealthy, its successor closes the report.
    intent.jobSubmission = PipelineStatus.Submission.PENDING;
    if (upgrade != null) {
      intent.upgrade =
          upgrade.phase() == Upgrade.Phase.AWAITING_READINESS
              ? upgrade.deployed(
                  jobId, clock.instant().plus(properties.upgrade().readinessTimeout()))
              : upgrade;
    }
    intent.lastStep =
        steps.step(intent.desiredVersion, said.action(), intentMessage(jobId, said.message()));
    intent.updatedAt = clock.instant();
    // Durable before Flink sees the job: a successor must know which job to expect.
    intentWriter.accept(intent.build());
    intent.unhealthy = null;
    PipelineStatus intended = intent.build();
    Submission submission =
        run(
            new JobSubmission(
                jobId,
                intended.jobParallelism(),
                intended.jobDeliveryGuarantee(),
                from == null ? null : from.path(),
                allowNonRestoredState,
                jar));
    if (submission instanceof Submission.FlinkGone gone) {
      // The intent written above stays, and once Flink answers the job is found there or submitted
      // again under its JobID. Not a refusal: nothing to back off from.
      return reachability.goneDuringStep(intended, gone.why());
    }
    if (submission instanceof Submission.Refused refused) {
      return refused(intended, status, refused);
    }
    if (submission instanceof Submission.AlreadyOnFlink already) {
      log.info(
          "Job {} was already submitted (by an earlier leader or try): {}", jobId, already.why());
      if (again) {
        events.normal(
            EventReason.JOB_ADOPTED,
            "Flink already had job "
                + jobId
                + " when it was submitted again (it never runs a JobID twice): the earlier"
                + " submission of it landed, and no second job was started",
            jobId);
      }
      return steps.withStep(
          accepted(intended), said.action(), "Job " + jobId + " was already submitted");
    }
    String done = again ? said.message() : said.message() + " as job " + jobId;
    if (said.warning()) {
      events.warning(said.reason(), done, jobId);
    } else {
      events.normal(said.reason(), done, jobId);
    }
    warnOfDeletedRecords(from, jobId);
    return steps.withStep(accepted(intended), said.action(), done);
  }

  /** What came of a run request, as the step reads it. */
  sealed interface Submission {

    /** Flink runs the job. */
    record Started() implements Submission {}

    /** Flink already has (or had) a job under its JobID: an earlier submission of it landed. */
    record AlreadyOnFlink(String why) implements Submission {}

    /**
     * Flink answered the run request with an error ({@code answered}), or took it but did not
     * answer in time: a jar whose main() hangs would be asked again and again, so it is backed off
     * as a refusal too, and a submission of it that landed is adopted.
     */
    record Refused(String why, boolean answered) implements Submission {}

    /**
     * Flink went away (a refused connection, a JobManager restarting answers 503): whether it took
     * the request is not known, and nothing was refused.
     */
    record FlinkGone(String why) implements Submission {}
  }

  /**
   * Has Flink run the job; a run request cut short by this replica's shutdown throws {@link
   * InterruptedException}, so the step ends unrecorded.
   */
  private Submission run(JobSubmission submission) throws InterruptedException {
    try {
      flink.submit(submission);
      return new Submission.Started();
    } catch (DuplicateJobException e) {
      return new Submission.AlreadyOnFlink(e.getMessage());
    } catch (FlinkRequestException e) {
      Interruptions.rethrowIfInterrupted(e);
      return new Submission.Refused(e.getMessage(), true);
    } catch (FlinkUnavailableException e) {
      Interruptions.rethrowIfInterrupted(e);
      return e.getCause() instanceof TimeoutException
          ? new Submission.Refused(e.getMessage(), false)
          : new Submission.FlinkGone(e.getMessage());
    }
  }

  /** A refused submission: a failed step, and a backoff before the next try. */
  private PipelineStatus refused(
      PipelineStatus intended, PipelineStatus status, Submission.Refused refused) {
    String jobId = intended.jobId();
    PipelineStatus.Builder failed = intended.toBuilder();
    failed.jobSubmission = PipelineStatus.Submission.REFUSED;
    Upgrade deploying = intended.upgrade();
    if (refused.answered()
        && deploying != null
        && deploying.phase() == Upgrade.Phase.AWAITING_READINESS
        && jobId.equals(deploying.toJobId())) {
      // Flink answered the new jar's run request with an error: the upgrade decides (a rollback).
      failed.upgrade = deploying.refused(refused.why());
    }
    failed.notBefore =
        clock.instant().plus(properties.restartBudget().backoff(status.failureRestarts().size()));
    events.warning(
        EventReason.RECONCILE_FAILED,
        "Submitting job "
            + jobId
            + " failed ("
            + refused.why()
            + "); next try at "
            + failed.notBefore,
        jobId);
    return steps.withStep(failed.build(), "failed", refusedMessage(jobId, refused.why()));
  }

  private static PipelineStatus accepted(PipelineStatus recorded) {
    PipelineStatus.Builder next = recorded.toBuilder();
    next.jobSubmission = PipelineStatus.Submission.ACCEPTED;
    return next.build();
  }

  /**
   * The status with the savepoint {@code ended} was stopped with as its last state, when Flink
   * reports one newer than the status knows: a stop whose initiator did not record it (a leader
   * that died during it, or a stop through Flink itself). Flink discards a FINISHED job's
   * checkpoints, so the last state known before would be gone. Recorded in the savepoint history,
   * as a stop. Empty while Flink may still answer from statistics cached before the job finished
   * (every stop of an unbounded job takes a savepoint; see {@link #STATISTICS_SETTLE}).
   */
  Optional<PipelineStatus> withFinalSavepoint(FlinkJob ended, PipelineStatus status) {
    RestorePoint known = status.lastState();
    if (status.setAside(ended.jobId())
        || (known != null
            && known.kind() == RestorePoint.Kind.SAVEPOINT
            && ended.jobId().equals(known.jobId()))
        || !leading()) {
      return Optional.of(status);
    }
    FlinkJob.CompletedCheckpoint savepoint = flink.lastSavepoint(ended.jobId()).orElse(null);
    if (savepoint == null || (known != null && !savepoint.completedAt().isAfter(known.at()))) {
      boolean settling =
          ended.endTime() != null
              && clock.instant().isBefore(ended.endTime().plus(STATISTICS_SETTLE));
      return settling ? Optional.empty() : Optional.of(status);
    }
    PipelineStatus.Builder next = status.toBuilder();
    // Flink reports no parallelism or guarantee for an ended job: the status says what the job it
    // expects was deployed with (the desired spec may have changed since, a rescale for one).
    boolean expected = ended.jobId().equals(status.jobId());
    DeliveryGuarantee guarantee = expected ? status.jobDeliveryGuarantee() : null;
    next.lastState =
        record(
            new SavepointRecord(
                savepoint.path(),
                ended.jobId(),
                SavepointRecord.Kind.STOP,
                savepoint.completedAt(),
                expected ? status.jobParallelism() : null,
                guarantee == null ? null : guarantee.argument(),
                expected ? status.jobJarSha256() : null,
                null));
    return Optional.of(next.build());
  }

  /**
   * How a stop with savepoint ended: the savepoint, recorded, to start from; {@code howKnown} says
   * how its outcome was known when Flink did not tell it in full (its JobManager replaced), empty
   * when Flink told it.
   */
  record Stopped(RestorePoint savepoint, String howKnown) {

    private static Stopped told(RestorePoint savepoint) {
      return new Stopped(savepoint, "");
    }

    /** The stop's outcome was lost; its savepoint was found in the savepoint directory. */
    private static Stopped found(RestorePoint savepoint, String lostOutcome) {
      return new Stopped(
          savepoint,
          " (Flink lost the stop's outcome: "
              + lostOutcome
              + "; the savepoint it completed was found in the savepoint directory)");
    }

    /** Flink told the savepoint completed, then lost the job before its end was read. */
    private static Stopped jobLost(RestorePoint savepoint, String why) {
      return new Stopped(
          savepoint, " (Flink told the savepoint completed, then lost the job: " + why + ")");
    }
  }

  /**
   * Stops the job with a savepoint, records it, and returns it as the state to start from. When
   * Flink told the savepoint completed and then did not know the job (its JobManager replaced
   * before the job's end was read), the job ended with that savepoint: Flink completes a stop's
   * savepoint only once the job's tasks finished. When Flink lost the stop's outcome (a JobManager
   * replaced without HA knows neither the trigger nor the job) and the job is no longer active, the
   * stop took its savepoint if one of the job is in the savepoint directory, newer than its newest
   * state: that one is the outcome.
   *
   * @throws SavepointFailedException when Flink reports a failure, or its outcome is unknown and
   *     the job still active
   * @throws IllegalStateException when the outcome is unknown, the job gone and no savepoint of it
   *     found: whether it was taken is not known
   */
  Stopped stopWithSavepoint(
      FlinkJob job, boolean drain, SavepointRecord.Kind kind, PipelineStatus status)
      throws InterruptedException {
    String path;
    try {
      path = flink.stopWithSavepoint(job.jobId(), drain, properties.savepointTimeout());
    } catch (StoppedJobUnknownException e) {
      log.warn("{}: the stop's outcome is that savepoint", e.getMessage());
      RestorePoint savepoint = record(savepointOf(job, e.savepointPath(), kind, clock.instant()));
      // Also in the savepoint directory, where the lost job's next look finds it: recorded once.
      foundStops.put(e.savepointPath(), savepoint);
      return Stopped.jobLost(savepoint, e.getCause().getMessage());
    } catch (SavepointFailedException e) {
      if (!e.outcomeUnknown() || stillActive(job.jobId())) {
        throw e;
      }
      RestorePoint newest = newestRecordedState(status, job.jobId());
      StopSavepoints.Found found =
          storage
              .newerStopSavepoint(job.jobId(), newest)
              .orElseThrow(() -> notFound(job, e, newest));
      log.warn(
          "Flink lost the outcome of job {}'s stop with savepoint ({}); it completed savepoint {}"
              + " (checkpoint {}), found in the savepoint directory",
          job.jobId(),
          e.getMessage(),
          found.path(),
          found.checkpointId());
      RestorePoint savepoint = record(savepointOf(job, found.path(), kind, found.completedAt()));
      foundStops.put(found.path(), savepoint);
      return Stopped.found(savepoint, e.getMessage());
    }
    return Stopped.told(record(savepointOf(job, path, kind, clock.instant())));
  }

  /** Whether Flink lists the job as active; when it cannot tell, it is taken as active. */
  private boolean stillActive(String jobId) {
    try {
      return flink.fraudJobs().stream().anyMatch(j -> j.jobId().equals(jobId) && j.isActive());
    } catch (FlinkUnavailableException | FlinkRequestException e) {
      return true;
    }
  }

  private static IllegalStateException notFound(
      FlinkJob job, SavepointFailedException e, RestorePoint newest) {
    return new IllegalStateException(
        "Job "
            + job.jobId()
            + " was stopped with a savepoint whose outcome Flink lost ("
            + e.getMessage()
            + "), and no savepoint of that stop newer than "
            + RestorePoint.describe(newest)
            + " is in the savepoint directory: whether it completed is not known; the job is"
            + " no longer active on Flink");
  }

  private SavepointRecord savepointOf(
      FlinkJob job, String path, SavepointRecord.Kind kind, Instant at) {
    return new SavepointRecord(
        path,
        job.jobId(),
        kind,
        at,
        job.parallelism(),
        job.deliveryGuarantee() == null ? null : job.deliveryGuarantee().argument(),
        job.jarSha256() == null ? jarSha256 : job.jarSha256(),
        null);
  }

  /**
   * Records a savepoint in the history and points at it, with the source offsets the recorder found
   * in it.
   */
  private RestorePoint record(SavepointRecord savepoint) {
    SavepointRecord recorded = savepointRecorder.apply(savepoint);
    return new RestorePoint(
        savepoint.path(),
        RestorePoint.Kind.SAVEPOINT,
        savepoint.createdAt(),
        savepoint.jobId(),
        recorded.transactionsOffsets());
  }

  /**
   * The newest state to start from: a checkpoint of the job found in the storage (newer than any
   * observation), else the newest one observed or savepoint recorded, unless a stop with savepoint
   * of the job nobody recorded is newer still; for a job whose states a replacement set aside, only
   * the state recorded for its replacement.
   */
  RestorePoint newestState(PipelineStatus status, String jobId) {
    RestorePoint newest = newestRecordedState(status, jobId);
    if (status.setAside(jobId)) {
      return newest;
    }
    return storage
        .newerStopSavepoint(jobId, newest)
        .map(found -> unrecordedStop(found, jobId, status))
        .orElse(newest);
  }

  /**
   * A stop with savepoint of the job that Flink completed but nobody recorded (its JobManager died
   * before the trigger's outcome was read): recorded now, once, as the state to resume from.
   */
  private RestorePoint unrecordedStop(
      StopSavepoints.Found found, String jobId, PipelineStatus status) {
    RestorePoint recorded = foundStops.get(found.path());
    if (recorded != null) {
      return recorded;
    }
    boolean expected = jobId.equals(status.jobId());
    DeliveryGuarantee guarantee = expected ? status.jobDeliveryGuarantee() : null;
    SavepointRecord savepoint =
        new SavepointRecord(
            found.path(),
            jobId,
            SavepointRecord.Kind.STOP,
            found.completedAt(),
            expected ? status.jobParallelism() : null,
            guarantee == null ? null : guarantee.argument(),
            expected ? status.jobJarSha256() : null,
            null);
    log.warn(
        "Job {} was stopped with savepoint {} (checkpoint {}) that was never recorded: the"
            + " pipeline resumes from it",
        jobId,
        found.path(),
        found.checkpointId());
    try {
      recorded = record(savepoint);
    } catch (KafkaUnavailableException e) {
      // Resuming from it matters more than the history: recorded at the next look.
      log.warn("Savepoint {} not recorded in the history: {}", found.path(), e.getMessage());
      return new RestorePoint(
          found.path(), RestorePoint.Kind.SAVEPOINT, found.completedAt(), jobId);
    }
    foundStops.put(found.path(), recorded);
    return recorded;
  }

  private RestorePoint newestRecordedState(PipelineStatus status, String jobId) {
    RestorePoint known = status.lastState();
    if (status.setAside(jobId)) {
      return known;
    }
    RestorePoint stored = storage.newest(status.checkpointDirectory(), jobId).orElse(null);
    if (stored != null
        && known != null
        && known.kind() == RestorePoint.Kind.CHECKPOINT
        && stored.jobId().equals(known.jobId())) {
      // The storage's highest checkpoint of the same job is never older than one observed; the
      // same one keeps the offsets observed with it.
      return stored.path().equals(known.path()) ? known : stored;
    }
    return RestorePoint.newer(known, stored);
  }

  /** A restore from a state whose records Kafka deleted since: say how many raise no alert. */
  private void warnOfDeletedRecords(RestorePoint from, String jobId) {
    if (from == null) {
      return;
    }
    RestoreSafety safety = retention.assess(from.transactionsOffsets());
    if (safety.unsafe()) {
      events.warning(
          EventReason.DATA_LOSS,
          "Job "
              + jobId
              + " resumes from "
              + RestorePoint.describe(from)
              + ", but Kafka's retention already deleted "
              + safety.recordsDeleted()
              + " transactions records after its offsets (by partition "
              + safety.recordsDeletedByPartition()
              + "): they raise no alert",
          jobId);
    }
  }
}
