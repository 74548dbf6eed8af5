package io.fraudpipeline.control.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.flink.JobSubmission;
import io.fraudpipeline.control.flink.TestingFlinkService;
import io.fraudpipeline.control.jobs.FraudJob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RuleChangeCheckpointTest {

  private static final String EXACTLY_ONCE_JOB = "0123456789abcdef0123456789abcdef";
  private static final String AT_LEAST_ONCE_JOB = "fedcba9876543210fedcba9876543210";

  private final TestingFlinkService flink = new TestingFlinkService(Clock.systemUTC());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicReference<FraudJob> active = new AtomicReference<>();
  private final RuleChangeCheckpoint checkpoints =
      checkpoints(() -> Optional.ofNullable(active.get()), true, registry);

  @AfterEach
  void close() throws InterruptedException {
    checkpoints.close();
  }

  @Test
  void asksForACheckpointOfTheRunningExactlyOnceJobAfterAChange() {
    run(EXACTLY_ONCE_JOB, DeliveryGuarantee.EXACTLY_ONCE);

    checkpoints.afterChange(7);

    // The counter moves on the requesting thread just after the request: both awaited.
    await()
        .untilAsserted(
            () -> {
              assertThat(flink.checkpointRequests()).containsExactly(EXACTLY_ONCE_JOB);
              assertThat(count("requested")).isEqualTo(1);
            });
  }

  @Test
  void leavesAnAtLeastOnceJobAndAMissingJobAlone() throws InterruptedException {
    // The requests look at the job in turn on one thread: no job, an at-least-once one, then an
    // exactly-once one.
    FraudJob atLeastOnce = run(AT_LEAST_ONCE_JOB, DeliveryGuarantee.AT_LEAST_ONCE);
    FraudJob exactlyOnce = run(EXACTLY_ONCE_JOB, DeliveryGuarantee.EXACTLY_ONCE);
    Queue<Optional<FraudJob>> looks =
        new ConcurrentLinkedQueue<>(
            List.of(Optional.empty(), Optional.of(atLeastOnce), Optional.of(exactlyOnce)));
    RuleChangeCheckpoint inTurn = checkpoints(looks::remove, true, new SimpleMeterRegistry());

    inTurn.afterChange(1);
    inTurn.afterChange(2);
    inTurn.afterChange(3);

    await().untilAsserted(() -> assertThat(looks).isEmpty());
    await().untilAsserted(() -> assertThat(flink.checkpointRequests()).isNotEmpty());
    assertThat(flink.checkpointRequests()).containsExactly(EXACTLY_ONCE_JOB);
    inTurn.close();
  }

  @Test
  void countsAFailedRequestAndAsksAgainAtTheNextChange() {
    run(EXACTLY_ONCE_JOB, DeliveryGuarantee.EXACTLY_ONCE);
    flink.unreachable(true);

    checkpoints.afterChange(4);

    await().untilAsserted(() -> assertThat(count("failed")).isEqualTo(1));
    flink.unreachable(false);
    checkpoints.afterChange(5);
    // The counter moves on the requesting thread just after the request: both awaited.
    await()
        .untilAsserted(
            () -> {
              assertThat(flink.checkpointRequests()).containsExactly(EXACTLY_ONCE_JOB);
              assertThat(count("requested")).isEqualTo(1);
            });
  }

  @Test
  void readsTheOutcomeOfTheCheckpointItAskedFor() {
    run(EXACTLY_ONCE_JOB, DeliveryGuarantee.EXACTLY_ONCE);
    flink.checkpointsInProgress(true);

    checkpoints.afterChange(8);

    await().untilAsserted(() -> assertThat(flink.unreadCheckpointOutcomes()).hasSize(1));
    assertThat(count("completed")).isZero();
    flink.checkpointsInProgress(false);
    // Read once completed: Flink would otherwise keep it, and hold up its own shutdown for it.
    await()
        .untilAsserted(
            () -> {
              assertThat(flink.unreadCheckpointOutcomes()).isEmpty();
              assertThat(count("completed")).isEqualTo(1);
            });
    assertThat(count("failed")).isZero();
  }

  @Test
  void countsACheckpointFlinkFailedAsFailed() {
    // The observer still sees the job running; Flink has already cancelled it.
    run(EXACTLY_ONCE_JOB, DeliveryGuarantee.EXACTLY_ONCE);
    flink.state(EXACTLY_ONCE_JOB, "CANCELED");

    checkpoints.afterChange(9);

    await().untilAsserted(() -> assertThat(count("failed")).isEqualTo(1));
    assertThat(flink.unreadCheckpointOutcomes()).isEmpty();
    assertThat(count("completed")).isZero();
  }

  @Test
  void asksNothingWhenTurnedOff() throws InterruptedException {
    run(EXACTLY_ONCE_JOB, DeliveryGuarantee.EXACTLY_ONCE);
    RuleChangeCheckpoint off =
        checkpoints(() -> Optional.ofNullable(active.get()), false, new SimpleMeterRegistry());

    off.afterChange(6);
    // Closing waits for whatever was scheduled.
    off.close();

    assertThat(flink.checkpointRequests()).isEmpty();
  }

  /** Requests at once (no delay), against the fake Flink. */
  private RuleChangeCheckpoint checkpoints(
      Supplier<Optional<FraudJob>> activeJob, boolean enabled, SimpleMeterRegistry registry) {
    return new RuleChangeCheckpoint(
        activeJob, flink, new RulesProperties.CommitCheckpoint(enabled, Duration.ZERO), registry);
  }

  /** Runs a job on the fake Flink and makes it the observer's active job. */
  private FraudJob run(String jobId, DeliveryGuarantee guarantee) {
    flink.submit(new JobSubmission(jobId, 1, guarantee, null, false, null));
    FraudJob job =
        new FraudJob(
            jobId,
            "fraud-detection",
            "RUNNING",
            Instant.now(),
            null,
            Duration.ZERO,
            1,
            guarantee,
            0L,
            null,
            List.of(),
            null,
            Map.of(),
            null,
            Instant.now());
    active.set(job);
    return job;
  }

  private double count(String outcome) {
    return registry.counter("fraud.rules.commit.checkpoints", "outcome", outcome).count();
  }
}
