package io.fraudpipeline.control.flink;

import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An in-memory Flink session cluster for unit tests of the reconciler, with failure switches: the
 * cluster unreachable, every job lost (a JobManager restart without HA), a job FAILED or
 * RESTARTING, restarts climbing, checkpoints completing, a savepoint slower than its timeout or
 * failing, a submission refused. The real client's behaviour it imitates is checked against a real
 * Flink in {@code RestFlinkServiceTest}.
 */
public class TestingFlinkService implements FlinkService {

  /** One job and what it was started with. */
  public static final class Job {
    final String id;
    String state;
    final Instant startTime;
    final int parallelism;
    final DeliveryGuarantee guarantee;
    final String restoredFrom;
    String jar;

    /** Null: every task runs. */
    TaskStates tasks;

    long restarts;
    FlinkJob.CompletedCheckpoint checkpoint;
    FlinkJob.CompletedCheckpoint savepoint;
    String failureCause;
    Instant endTime;

    Job(String id, String state, Instant start, int parallelism, DeliveryGuarantee g, String from) {
      this.id = id;
      this.state = state;
      this.startTime = start;
      this.parallelism = parallelism;
      this.guarantee = g;
      this.restoredFrom = from;
    }

    public String restoredFrom() {
      return restoredFrom;
    }

    public int parallelism() {
      return parallelism;
    }

    public String state() {
      return state;
    }

    public String jar() {
      return jar;
    }
  }

  /** The jar a submission that names none runs, as the real service runs the shipped one. */
  public static final String SHIPPED_JAR = "a".repeat(64);

  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final List<JobSubmission> submissions = new ArrayList<>();
  private final Clock clock;
  private volatile boolean unreachable;
  private final List<String> checkpointRequests = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<CheckpointTrigger, Long> pendingCheckpoints =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean checkpointsInProgress;
  private long checkpointTriggers;
  private Duration savepointTakes = Duration.ZERO;
  private String failSavepoint;
  private volatile java.util.concurrent.CountDownLatch heldSavepoints;
  private String refuseSubmission;
  private boolean killCallerOfNextSubmission;
  private int savepoints;
  private final java.util.Set<String> savepointFiles = new java.util.LinkedHashSet<>();
  private String failDisposal;
  private LostStop loseNextStop;
  private String loseJobsAfterStopWith;
  private boolean loseJobsDuringCancel;
  private Duration statisticsLag = Duration.ZERO;
  private final java.util.Set<String> brokenJars = new java.util.HashSet<>();
  private final Map<String, String> refusedJars = new java.util.HashMap<>();
  private boolean recovering;
  private final java.util.Set<String> neverRecovering = new java.util.HashSet<>();

  public TestingFlinkService(Clock clock) {
    this.clock = clock;
  }

  // Failure switches and scripted changes.

  public void unreachable(boolean value) {
    unreachable = value;
  }

  /** The JobManager restarted without HA: it knows no job any more. */
  public void loseAllJobs() {
    jobs.clear();
  }

  /**
   * The next command on a job is answered as a JobManager with HA answers before it has recovered
   * the job: it does not know it (a 404). The job runs on, and observations list it.
   */
  public void answerTheNextCommandBeforeRecoveringTheJob() {
    recovering = true;
  }

  /**
   * Every command on the job is answered with a 404 from now on, as by a JobManager that never
   * recovers it; the job runs on, and observations list it.
   */
  public void neverRecover(String jobId) {
    neverRecovering.add(jobId);
  }

  /** The JobManager answers for the job again (it recovered it at last). */
  public void recovered(String jobId) {
    neverRecovering.remove(jobId);
  }

  public void fail(String jobId, String cause) {
    Job job = jobs.get(jobId);
    end(job, "FAILED");
    job.failureCause = cause;
  }

  public void state(String jobId, String state) {
    Job job = jobs.get(jobId);
    if (terminal(state)) {
      end(job, state);
    } else {
      job.state = state;
    }
  }

  /**
   * Flink serves a job's checkpoint statistics from a cache ({@code web.refresh-interval}): a
   * savepoint shows in {@link #lastSavepoint} only this long after it completed.
   */
  public void statisticsLag(Duration lag) {
    statisticsLag = lag;
  }

  public void restarts(String jobId, long restarts) {
    jobs.get(jobId).restarts = restarts;
  }

  public void completeCheckpoint(String jobId, long id, String path, Instant at) {
    jobs.get(jobId).checkpoint = new FlinkJob.CompletedCheckpoint(id, path, at);
  }

  /** A job started outside the control plane. */
  public String startOutside(String jobId, int parallelism, Instant startTime) {
    jobs.put(
        jobId,
        new Job(jobId, "RUNNING", startTime, parallelism, DeliveryGuarantee.EXACTLY_ONCE, null));
    return jobId;
  }

  /** Jobs of this jar start, but their tasks never all run (a broken job version). */
  public void breakJar(String sha256) {
    brokenJars.add(sha256);
  }

  /**
   * Every task of the job runs (true), or not every one does because they wait for slots the
   * cluster does not have (false: a TaskManager lost for good, too few of them).
   */
  public void tasksRunning(String jobId, boolean running) {
    Job job = jobs.get(jobId);
    job.tasks = running ? null : waitingForSlots(job.parallelism);
  }

  /** The job's tasks as Flink counts them (e.g. some still deploying or initializing). */
  public void tasks(String jobId, TaskStates tasks) {
    jobs.get(jobId).tasks = tasks;
  }

  /** One task of each subtask index runs; the others wait for slots the cluster does not have. */
  private static TaskStates waitingForSlots(int parallelism) {
    return new TaskStates(parallelism, 0, parallelism, 0, 0, false);
  }

  public void savepointTakes(Duration duration) {
    savepointTakes = duration;
  }

  /**
   * The next stop with savepoint goes on as {@code lost} says, and Flink then answers for its
   * trigger as a JobManager replaced without HA does: it does not know it (a 404).
   */
  public void loseTheOutcomeOfTheNextStop(LostStop lost) {
    loseNextStop = lost;
  }

  /**
   * The next stop with savepoint completes {@code savepoint} and Flink says so, then its JobManager
   * is replaced without HA before the job's end is read: Flink knows no job any more.
   */
  public void loseTheJobsOnceTheNextStopCompletes(String savepoint) {
    loseJobsAfterStopWith = savepoint;
  }

  /**
   * Flink takes the next cancel, then its JobManager is replaced without HA before the job's end is
   * read: Flink knows no job any more.
   */
  public void loseTheJobsDuringTheNextCancel() {
    loseJobsDuringCancel = true;
  }

  /** What became of a stop whose outcome Flink lost. */
  public interface LostStop {
    /**
     * Called with the stopped job before Flink answers that it knows no such trigger: whatever the
     * JobManager did before it was lost (e.g. write the savepoint's files).
     *
     * @return whether the JobManager was replaced, so Flink knows no job any more; false: the job
     *     still runs (the savepoint never completed)
     */
    boolean meanwhile(String jobId);
  }

  /**
   * Savepoints are triggered but never complete (a JobManager slow to write them): the caller waits
   * until interrupted. Each one triggered counts {@code triggered} down.
   */
  public void holdSavepoints(java.util.concurrent.CountDownLatch triggered) {
    heldSavepoints = triggered;
  }

  public void failSavepoints(String cause) {
    failSavepoint = cause;
  }

  /** Every disposal fails with this cause (null: disposals succeed again). */
  public void failDisposals(String cause) {
    failDisposal = cause;
  }

  /** Savepoints written and not disposed of. */
  public java.util.Set<String> savepointFiles() {
    return java.util.Set.copyOf(savepointFiles);
  }

  /** What a replica killed while Flink takes its run request sees: never an answer. */
  public static final class CallerKilled extends RuntimeException {
    CallerKilled() {
      super("the replica was killed while Flink took the run request");
    }
  }

  /**
   * Flink takes the next run request (the job runs) but its caller gets no answer: it throws {@link
   * CallerKilled} as though its replica was killed then, so nothing after the submission runs.
   */
  public void killCallerOfNextSubmission() {
    killCallerOfNextSubmission = true;
  }

  public void refuseSubmissions(String cause) {
    refuseSubmission = cause;
  }

  /** Flink answers every run request of this jar with an error (e.g. its entry class missing). */
  public void refuseJar(String sha256, String cause) {
    refusedJars.put(sha256, cause);
  }

  // What happened.

  public List<JobSubmission> submissions() {
    return List.copyOf(submissions);
  }

  public Job job(String jobId) {
    return jobs.get(jobId);
  }

  public List<Job> activeJobs() {
    return jobs.values().stream().filter(j -> !terminal(j.state)).toList();
  }

  // FlinkService.

  @Override
  public List<FlinkJob> fraudJobs() {
    requireReachable();
    return jobs.values().stream()
        .sorted(
            Comparator.comparing((Job j) -> terminal(j.state))
                .thenComparing(Comparator.comparing((Job j) -> j.startTime).reversed()))
        .map(
            j ->
                terminal(j.state)
                    ? FlinkJob.ended(j.id, j.state, j.startTime, j.endTime, j.failureCause)
                    : new FlinkJob(
                        j.id,
                        j.state,
                        j.startTime,
                        null,
                        j.parallelism,
                        j.guarantee,
                        j.restarts,
                        j.checkpoint,
                        null,
                        j.jar,
                        j.tasks != null ? j.tasks : TaskStates.allRunning(2 * j.parallelism)))
        .toList();
  }

  @Override
  public void submit(JobSubmission submission) {
    requireReachable();
    if (jobs.containsKey(submission.jobId())) {
      throw new DuplicateJobException(submission.jobId(), null);
    }
    if (refuseSubmission != null) {
      throw new FlinkRequestException(500, refuseSubmission, null);
    }
    String refusal =
        refusedJars.get(submission.jarSha256() == null ? SHIPPED_JAR : submission.jarSha256());
    if (refusal != null) {
      throw new FlinkRequestException(500, refusal, null);
    }
    submissions.add(submission);
    Job job =
        new Job(
            submission.jobId(),
            "RUNNING",
            clock.instant(),
            submission.parallelism(),
            submission.deliveryGuarantee(),
            submission.restorePath());
    job.jar = submission.jarSha256() == null ? SHIPPED_JAR : submission.jarSha256();
    if (brokenJars.contains(job.jar)) {
      // Some of its tasks fail as they start, over and over.
      job.tasks = new TaskStates(0, 0, job.parallelism, 0, job.parallelism, true);
    }
    jobs.put(submission.jobId(), job);
    if (killCallerOfNextSubmission) {
      killCallerOfNextSubmission = false;
      throw new CallerKilled();
    }
  }

  @Override
  public String stopWithSavepoint(String jobId, boolean drain, Duration timeout) {
    requireReachable();
    Job job = requireActive(jobId);
    if (savepointTakes.compareTo(timeout) > 0) {
      // What RestFlinkService throws: SavepointAwaiter's type, not an IllegalStateException.
      throw new SavepointAwaiter.SavepointFailedException(
          "No savepoint outcome from Flink within "
              + timeout
              + " (it takes "
              + savepointTakes
              + ")",
          null);
    }
    if (failSavepoint != null) {
      throw new SavepointAwaiter.SavepointFailedException(
          "Savepoint failed: " + failSavepoint, null);
    }
    if (!"RUNNING".equals(job.state) || (job.tasks != null && !job.tasks.everyTaskRunning())) {
      // What Flink's checkpoint coordinator answers for a job between two of its restarts.
      throw new SavepointAwaiter.SavepointFailedException(
          "Savepoint failed: CheckpointException: Not all required tasks are currently running.",
          null);
    }
    if (loseJobsAfterStopWith != null) {
      String path = loseJobsAfterStopWith;
      loseJobsAfterStopWith = null;
      savepointFiles.add(path);
      jobs.clear();
      // What RestFlinkService throws for a fresh JobManager's 404 once the savepoint completed.
      throw new StoppedJobUnknownException(jobId, path, unknown(jobId));
    }
    if (loseNextStop != null) {
      LostStop lost = loseNextStop;
      loseNextStop = null;
      if (lost.meanwhile(jobId)) {
        jobs.clear();
      }
      // What SavepointAwaiter throws for a fresh JobManager's 404.
      throw new SavepointAwaiter.SavepointFailedException(
          "Flink does not know the savepoint trigger 5f0e: Operation not found", null, true);
    }
    end(job, "FINISHED");
    String path = written(jobId);
    job.savepoint = new FlinkJob.CompletedCheckpoint(0, path, clock.instant());
    return path;
  }

  @Override
  public String triggerSavepoint(String jobId, Duration timeout, Consumer<String> onWritten)
      throws InterruptedException {
    requireReachable();
    Job job = requireActive(jobId);
    if (!"RUNNING".equals(job.state)) {
      throw new IllegalStateException("Job " + jobId + " is " + job.state + ", not RUNNING");
    }
    java.util.concurrent.CountDownLatch held = heldSavepoints;
    if (held != null) {
      held.countDown();
      new java.util.concurrent.CountDownLatch(1).await();
    }
    if (failSavepoint != null) {
      throw new SavepointAwaiter.SavepointFailedException(
          "Savepoint failed: " + failSavepoint, null);
    }
    String path = written(jobId);
    job.savepoint = new FlinkJob.CompletedCheckpoint(0, path, clock.instant());
    onWritten.accept(path);
    return path;
  }

  @Override
  public Optional<FlinkJob.CompletedCheckpoint> lastSavepoint(String jobId) {
    requireReachable();
    Job job = jobs.get(jobId);
    if (job == null) {
      throw unknown(jobId);
    }
    return Optional.ofNullable(job.savepoint)
        .filter(s -> !clock.instant().isBefore(s.completedAt().plus(statisticsLag)));
  }

  @Override
  public boolean disposeSavepoint(String path, Duration timeout) {
    requireReachable();
    if (failDisposal != null) {
      throw FlinkRequestException.operationFailed("Disposal failed: " + failDisposal);
    }
    return savepointFiles.remove(path);
  }

  private String written(String jobId) {
    String path = "file:/savepoints/savepoint-" + jobId.substring(0, 6) + "-" + (++savepoints);
    savepointFiles.add(path);
    return path;
  }

  @Override
  public synchronized CheckpointTrigger triggerCheckpoint(String jobId) {
    requireReachable();
    CheckpointTrigger trigger =
        new CheckpointTrigger(jobId, String.format("%032x", ++checkpointTriggers));
    // Flink accepts a request for any job id and fails it later, in the trigger's status.
    Job job = jobs.get(jobId);
    if (job != null && "RUNNING".equals(job.state)) {
      checkpointRequests.add(jobId);
      pendingCheckpoints.put(trigger, checkpointTriggers);
    } else {
      pendingCheckpoints.put(trigger, -1L);
    }
    return trigger;
  }

  /**
   * Completes at once (or fails, for a job that did not run) unless {@link #checkpointsInProgress}
   * holds them. An outcome read once leaves {@link #unreadCheckpointOutcomes}: Flink's REST
   * endpoint waits, before it stops, for the results nobody has read.
   */
  @Override
  public Optional<Long> checkpointOutcome(CheckpointTrigger trigger) {
    requireReachable();
    Long id = pendingCheckpoints.get(trigger);
    if (id == null) {
      throw new FlinkRequestException(404, "Unknown checkpoint trigger " + trigger, null);
    }
    if (checkpointsInProgress) {
      return Optional.empty();
    }
    pendingCheckpoints.remove(trigger);
    if (id < 0) {
      throw FlinkRequestException.operationFailed("Checkpoint failed: job not running");
    }
    return Optional.of(id);
  }

  /** Holds every checkpoint asked for in progress (true) or lets them complete (false). */
  public void checkpointsInProgress(boolean value) {
    checkpointsInProgress = value;
  }

  /** Checkpoint requests whose outcome nobody has read since they completed (or while pending). */
  public java.util.Set<CheckpointTrigger> unreadCheckpointOutcomes() {
    return java.util.Set.copyOf(pendingCheckpoints.keySet());
  }

  /** The running jobs {@link #triggerCheckpoint} asked a checkpoint of, in order. */
  public List<String> checkpointRequests() {
    return List.copyOf(checkpointRequests);
  }

  @Override
  public void cancel(String jobId, Duration timeout) {
    requireReachable();
    Job job = requireActive(jobId);
    if (loseJobsDuringCancel) {
      loseJobsDuringCancel = false;
      jobs.clear();
      throw unknown(jobId);
    }
    end(job, "CANCELED");
  }

  private void end(Job job, String state) {
    job.state = state;
    job.endTime = clock.instant();
  }

  private Job requireActive(String jobId) {
    Job job = jobs.get(jobId);
    if (job == null || recovering || neverRecovering.contains(jobId)) {
      recovering = false;
      throw unknown(jobId);
    }
    if (terminal(job.state)) {
      // Flink's answer to a cancel of a job that already ended: a conflict, not a 404.
      throw new FlinkRequestException(409, "Job " + jobId + " already ended " + job.state, null);
    }
    return job;
  }

  /** What RestFlinkService throws for Flink's 404 to a command on a job it does not know. */
  private static UnknownJobException unknown(String jobId) {
    return new UnknownJobException(
        jobId, new FlinkRequestException(404, "Job " + jobId + " not found", null));
  }

  private void requireReachable() {
    if (unreachable) {
      throw new FlinkUnavailableException("Connection refused (testing switch)", null);
    }
  }

  private static boolean terminal(String state) {
    return JobStates.isGloballyTerminal(state);
  }
}
