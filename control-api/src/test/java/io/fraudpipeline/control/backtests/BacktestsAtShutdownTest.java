package io.fraudpipeline.control.backtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.backtests.BacktestAdmissionTest.FakeFlink;
import io.fraudpipeline.control.backtests.BacktestAdmissionTest.WaitingKafka;
import io.fraudpipeline.control.errors.ShuttingDownException;
import io.fraudpipeline.control.events.EventReason;
import io.fraudpipeline.control.events.PipelineEvent;
import io.fraudpipeline.control.events.RecordedEvents;
import io.fraudpipeline.control.operations.InMemoryOperations;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationState;
import io.fraudpipeline.control.support.TestLeadership;
import io.fraudpipeline.flink.ClusterOverview;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica that shuts down with a backtest in progress (its body waiting, here in the creation of
 * its output topic), against an in-memory operations topic and a fake Flink: it ends the backtest
 * itself within the grace, or leaves it, as a crash does, with none. The real Flink job and topic:
 * BacktestRestartTest.
 */
class BacktestsAtShutdownTest {

  private final InMemoryOperations operations =
      new InMemoryOperations(
          new TestLeadership("replica-a", true, Optional.of(Set.of("replica-a"))),
          Clock.systemUTC(),
          Duration.ofSeconds(30));
  private final FakeFlink flink = new FakeFlink();
  private final WaitingKafka kafka = new WaitingKafka();
  private final RecordedEvents events = new RecordedEvents();

  @AfterEach
  void close() {
    kafka.releaseAll();
    operations.close();
    flink.close();
  }

  @Test
  void aReplicaThatShutsDownEndsItsBacktestItselfAndSaysToRunItAgain() {
    Operation backtest = startBacktest(Duration.ofSeconds(10));

    shutDown(Duration.ofSeconds(10));

    Operation ended = operations.recorded(backtest.id()).orElseThrow();
    assertThat(ended.state()).isEqualTo(OperationState.FAILED);
    assertThat(ended.failureCause())
        .startsWith("The control-plane replica replica-a shut down while the backtest ran")
        .endsWith("; run the backtest again");
    assertThat(flink.cancelled)
        .singleElement()
        .satisfies(job -> assertThat(job.toHexString()).isEqualTo(backtest.jobId()));
    assertThat(kafka.deleted).containsExactly("fraud-backtest-" + backtest.id());
    assertThat(events.all())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(EventReason.BACKTEST_ENDED_AT_SHUTDOWN);
              assertThat(e.type()).isEqualTo(PipelineEvent.Type.NORMAL);
              assertThat(e.message()).contains(backtest.id());
            });
  }

  @Test
  void withNoGraceABacktestIsLeftInProgressForTheCleanupAsAfterACrash() {
    Operation backtest = startBacktest(Duration.ZERO);

    shutDown(Duration.ZERO);

    assertThat(operations.operations().find(backtest.id()).orElseThrow().state())
        .isEqualTo(OperationState.IN_PROGRESS);
    assertThat(flink.cancelled).isEmpty();
    assertThat(events.all()).isEmpty();
  }

  @Test
  void aBacktestAskedForOnceTheReplicaShutsDownIsRefusedSayingToAskAnotherReplica() {
    // With no grace too: no backtest of this replica's is waited for, but none is taken either.
    Backtests backtests = backtests(Duration.ZERO);

    shutDown(Duration.ZERO);

    // Before, it was accepted and its body ran on, left to another replica's backtest cleanup.
    assertThatThrownBy(() -> backtests.start(BacktestAdmissionTest.request()))
        .isInstanceOfSatisfying(
            ShuttingDownException.class,
            e -> {
              assertThat(e.getMessage())
                  .isEqualTo(
                      "Control-plane replica replica-a is shutting down and takes no new backtest"
                          + " operations; send the request to another replica");
              assertThat(e.properties()).containsEntry("replica", "replica-a");
            });
    assertThat(operations.operations().list()).isEmpty();
    assertThat(kafka.waiting).isEmpty();
  }

  private Backtests backtests(Duration shutdownGrace) {
    flink.overview = new ClusterOverview("2.2.1", 1, 2, 1, 1);
    return BacktestAdmissionTest.backtests(operations, flink, kafka, 2, shutdownGrace, events);
  }

  private Operation startBacktest(Duration shutdownGrace) {
    Operation backtest = backtests(shutdownGrace).start(BacktestAdmissionTest.request());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> kafka.waiting.contains("fraud-backtest-" + backtest.id()));
    return backtest;
  }

  private void shutDown(Duration grace) {
    BacktestsAtShutdown lifecycle =
        new BacktestsAtShutdown(operations.operations(), properties(grace));
    lifecycle.start();
    lifecycle.stop();
  }

  private static BacktestProperties properties(Duration shutdownGrace) {
    return new BacktestProperties(
        2,
        Duration.ofDays(7),
        Duration.ofMinutes(30),
        1,
        20,
        "fraud-backtest-",
        Duration.ofHours(1),
        Duration.ofSeconds(1),
        "io.fraudpipeline.job.backtest.BacktestJob",
        Duration.ofSeconds(15),
        shutdownGrace);
  }
}
