package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.EventRecorder;
import io.fraudpipeline.control.jobs.JobProperties;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes the next desired version for an API request (the edits of the pipeline and the job
 * commands alike): appended only if no other change was accepted first, logged, and announced as an
 * event.
 */
@Component
class DesiredStateWriter {

  private static final Logger log = LoggerFactory.getLogger(DesiredStateWriter.class);

  private final DesiredStateLog desired;
  private final EventRecorder events;
  private final JobProperties jobProperties;
  private final Clock clock = Clock.systemUTC();

  DesiredStateWriter(DesiredStateLog desired, EventRecorder events, JobProperties jobProperties) {
    this.desired = desired;
    this.events = events;
    this.jobProperties = jobProperties;
  }

  /**
   * The current spec changed by {@code edit}, retried on the newest version a few times when
   * another change won the race.
   *
   * @throws StateConflictException when no desired state is declared yet, or it keeps changing
   */
  DesiredState changeSpec(String actor, String cause, UnaryOperator<PipelineSpec> edit) {
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

  /**
   * Appends {@code spec} as the version after {@code current}.
   *
   * @param newRestore whether the job starts from the spec's restore point (a new restore
   *     generation) rather than from its last state
   * @throws StaleDesiredStateException when another change was accepted after {@code current}
   */
  DesiredState propose(
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
            + describe(spec, newRestore),
        null);
    return accepted;
  }

  /** The spec of a pipeline nothing was declared for: suspended, with the job's defaults. */
  PipelineSpec defaults() {
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

  /** The spec as an event says it; a restore path only for the version that asks for it. */
  private static String describe(PipelineSpec spec, boolean newRestore) {
    return spec.state().json()
        + ", parallelism "
        + spec.parallelism()
        + ", "
        + spec.deliveryGuarantee().argument()
        + (newRestore
            ? ", from " + RestorePoint.describeRequested(spec.restoreSavepointPath())
            : "");
  }
}
