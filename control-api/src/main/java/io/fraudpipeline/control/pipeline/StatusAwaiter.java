package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.errors.ExecutionFailedException;
import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * How a request that changed the desired state waits for the reconciler (on whichever replica
 * leads) to have carried it out: by reading its status and Flink's jobs until they say so, failing
 * early when the reconciler reports a failed step.
 */
@Component
class StatusAwaiter {

  /** How often the reconciler's status is read: a read of its topic's new records. */
  static final long POLL_MILLIS = 100;

  /** Last steps after which no job is on its way: a deploy need not wait for one. */
  private static final Set<String> SETTLED_WITHOUT_JOB =
      Set.of("failed", "failed-reported", "give-up");

  private final DesiredStateLog desired;
  private final PipelineStatusStore statusStore;
  private final FraudJobObserver observer;
  private final ReconcilerProperties properties;
  private final Clock clock = Clock.systemUTC();

  StatusAwaiter(
      DesiredStateLog desired,
      PipelineStatusStore statusStore,
      FraudJobObserver observer,
      ReconcilerProperties properties) {
    this.desired = desired;
    this.statusStore = statusStore;
    this.observer = observer;
    this.properties = properties;
  }

  /**
   * Waits until the reconciler's status satisfies {@code done}; fails early when the reconciler
   * reports a failed step for this version, or with a conflict past {@code timeout}.
   *
   * @param timeoutSettings the settings {@code timeout} comes from, for the conflict's message
   */
  PipelineStatus awaitStatus(
      DesiredState accepted,
      Instant since,
      Duration timeout,
      String timeoutSettings,
      Predicate<PipelineStatus> done) {
    return awaitStatus(accepted, since, timeout, timeoutSettings, spec -> null, done);
  }

  /**
   * As {@link #awaitStatus(DesiredState, Instant, Duration, String, Predicate)}, and ends early
   * when a later desired version makes {@code done} unreachable: once the reconciler has taken up a
   * version after {@code accepted} and the newest one's spec contradicts the goal.
   *
   * @param contradiction why a spec rules out the goal (e.g. "which suspends the pipeline"), or
   *     null when it still leads there
   * @throws SupersededException when a later desired version ruled out the goal
   */
  PipelineStatus awaitStatus(
      DesiredState accepted,
      Instant since,
      Duration timeout,
      String timeoutSettings,
      Function<PipelineSpec, String> contradiction,
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
        // A failed last step first: a job whose submission failed can still look active for a
        // moment (Flink reports it INITIALIZING before FAILED), and the last step is the newest
        // word. An earlier one (the next step replaced it before this read) unless done since.
        ReconcileStep failed = failedStep(last, accepted.version(), since).orElse(null);
        if (failed != null && failed.equals(last.lastStep())) {
          throw stepFailedException(accepted, failed);
        }
        if (done.test(last)) {
          return last;
        }
        if (failed != null) {
          throw stepFailedException(accepted, failed);
        }
        if (last.desiredVersion() > accepted.version()) {
          requireNotSuperseded(accepted, last, contradiction);
        }
      }
      try {
        Thread.sleep(POLL_MILLIS);
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

  private static ExecutionFailedException stepFailedException(
      DesiredState accepted, ReconcileStep step) {
    return new ExecutionFailedException(
        stepFailed(accepted.version(), step), Map.of("desired_version", accepted.version()));
  }

  /**
   * The newest step of {@code status} taken after {@code since} towards desired {@code version}
   * that failed or gave up, while the status still works towards that version, looked for among its
   * recent steps: the last step alone misses a failure the next step replaced before a reader
   * looked (a refused submission, then at once a wait for its backoff when a scheduled pass was
   * due: a deploy answered only at the second refusal, 11 s later). A step of an older version is
   * not this version's failure, however recent; one without a version of its own (an earlier
   * release's) counts only as the last step, with the status's version, as before.
   */
  static Optional<ReconcileStep> failedStep(PipelineStatus status, long version, Instant since) {
    if (status.desiredVersion() != version) {
      return Optional.empty();
    }
    List<ReconcileStep> steps = new ArrayList<>(status.recentSteps());
    ReconcileStep last = status.lastStep();
    if (last != null && (steps.isEmpty() || !steps.get(steps.size() - 1).equals(last))) {
      steps.add(last);
    }
    for (int i = steps.size() - 1; i >= 0; i--) {
      ReconcileStep step = steps.get(i);
      Long towards =
          step.desiredVersion() != null
              ? step.desiredVersion()
              : step.equals(last) ? Long.valueOf(status.desiredVersion()) : null;
      if (towards != null
          && towards == version
          && step.at().isAfter(since)
          && ("failed".equals(step.action()) || "give-up".equals(step.action()))) {
        return Optional.of(step);
      }
    }
    return Optional.empty();
  }

  /**
   * Why a wait for {@code version} failed: the reconciler's step for it failed (also what tells an
   * abandoned operation's end, {@link PipelineOperationOutcomes}).
   */
  static String stepFailed(long version, ReconcileStep step) {
    return "Desired state version "
        + version
        + " was accepted, but the reconciler's step failed: "
        + step.message();
  }

  /**
   * Fails when the newest desired version, after {@code accepted}, contradicts its goal: the
   * reconciler will not carry out {@code accepted} any more, and waiting for it would only run out
   * the timeout. Call it once the reconciler's status ({@code last}) has taken up a later version.
   */
  void requireNotSuperseded(
      DesiredState accepted, PipelineStatus last, Function<PipelineSpec, String> contradiction) {
    Optional<DesiredState> newest;
    try {
      newest = desired.current();
    } catch (KafkaUnavailableException e) {
      return;
    }
    if (newest.isEmpty() || newest.get().version() <= accepted.version()) {
      return;
    }
    String why = contradiction.apply(newest.get().spec());
    if (why == null) {
      return;
    }
    throw new SupersededException(
        superseded(accepted.version(), newest.get(), why, last.lastStep()),
        newest.get().version(),
        last);
  }

  /**
   * Why an operation following {@code version} ended when {@code later} ruled out its goal: the
   * same words from the replica that followed it and from one that learnt it afterwards ({@link
   * PipelineOperationOutcomes}).
   *
   * @param why how {@code later} rules it out (e.g. "which suspends the pipeline")
   * @param lastStep the reconciler's last step, or null
   */
  static String superseded(long version, DesiredState later, String why, ReconcileStep lastStep) {
    return "Desired state version "
        + version
        + " was superseded by desired version "
        + later.version()
        + " ("
        + later.cause()
        + (later.updatedBy() == null ? "" : " by " + later.updatedBy())
        + "), "
        + why
        + "; the reconciler will not carry out version "
        + version
        + (lastStep == null ? "" : ". Its last step: " + lastStep.message());
  }

  /**
   * A wait ended because a later desired version ruled out its goal; carries the reconciler's
   * status then, so what it already did (a savepoint it took) can still be reported.
   */
  static final class SupersededException extends RuntimeException {

    private final long by;
    private final transient PipelineStatus status;

    SupersededException(String message, long by, PipelineStatus status) {
      super(message);
      this.by = by;
      this.status = status;
    }

    /** The desired version that ruled out the goal. */
    long by() {
      return by;
    }

    PipelineStatus status() {
      return status;
    }
  }

  boolean jobActive(String jobId) {
    return observer.observeNow().job(jobId).map(FraudJob::isActive).orElse(false);
  }

  /**
   * Active and past INITIALIZING: Flink has restored the job's state. A job Flink cannot restore
   * (an unreadable savepoint) is INITIALIZING until it fails, and the submission waits for that, so
   * a command that took an initializing job for deployed would answer success for a failed one.
   */
  boolean jobInitialised(String jobId) {
    return observer
        .observeNow()
        .job(jobId)
        .map(job -> job.isActive() && !"INITIALIZING".equals(job.state()))
        .orElse(false);
  }

  /**
   * Waits for the job of a desired state that says running, while the reconciler may still be
   * deploying it; answers at once when it has settled without one ({@link #settledWithoutJob}).
   */
  Optional<FraudJob> awaitActiveJob() {
    Instant deadline = clock.instant().plus(properties.awaitTimeout());
    while (clock.instant().isBefore(deadline)) {
      Optional<FraudJob> active = observer.observeNow().requireReachable().activeJob();
      if (active.isPresent()) {
        return active;
      }
      Optional<DesiredState> wanted = desired.current();
      if (wanted.isEmpty() || settledWithoutJob(wanted.get(), statusStore.read().orElse(null))) {
        return Optional.empty();
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interruptedWaiting("the fraud job the desired state declares");
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the reconciler has settled {@code wanted} without a job: a step of that version failed
   * or gave up, also one the next step replaced before this read ({@link #failedStep}; the last
   * step alone missed a refused submission followed at once by a wait for its backoff), or its last
   * step, of that version or a later one, leaves no job on its way.
   */
  private static boolean settledWithoutJob(DesiredState wanted, PipelineStatus status) {
    if (status == null) {
      return false;
    }
    if (failedStep(status, wanted.version(), wanted.updatedAt()).isPresent()) {
      return true;
    }
    return status.desiredVersion() >= wanted.version()
        && status.lastStep() != null
        && SETTLED_WITHOUT_JOB.contains(status.lastStep().action());
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
}
