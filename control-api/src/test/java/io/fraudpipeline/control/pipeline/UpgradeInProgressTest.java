package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.jobs.JobJars;
import io.fraudpipeline.control.jobs.Observation;
import io.fraudpipeline.control.operations.InMemoryOperations;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.OperationState;
import io.fraudpipeline.control.support.TestLeadership;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/pipeline/upgrade} while another upgrade's operation is in progress, before
 * the reconciler has started that upgrade (its status does not say upgrading yet): refused with 409
 * naming the running operation. The reconciler's status and the desired state are set by the test;
 * nothing runs on Flink or Kafka.
 */
class UpgradeInProgressTest {

  private static final String JOB = "00000000000000000000000000000001";
  private static final String RUNNING_JAR = "a".repeat(64);
  private static final String SHIPPED_JAR = "b".repeat(64);
  private static final String OTHER_JAR = "c".repeat(64);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final DesiredStateLog desiredLog = mock(DesiredStateLog.class);
  private final DesiredStateWriter writer = mock(DesiredStateWriter.class);
  private final PipelineStatusStore statusStore = mock(PipelineStatusStore.class);
  private final FraudJobObserver observer = mock(FraudJobObserver.class);
  private final JobJars jars = mock(JobJars.class);
  private final InMemoryOperations operations =
      new InMemoryOperations(new TestLeadership(), Clock.systemUTC(), Duration.ofSeconds(30));
  private final AtomicReference<DesiredState> newest = new AtomicReference<>();

  private PipelineUpgrades upgrades;

  @BeforeEach
  void setUp() {
    ReconcilerProperties properties =
        new ReconcilerProperties(
            true,
            Duration.ofSeconds(1),
            TIMEOUT,
            TIMEOUT,
            TIMEOUT,
            null,
            null,
            new ReconcilerProperties.Upgrade(
                ReconcilerProperties.UpgradeTrigger.MANUAL, Duration.ofSeconds(30)));
    StatusAwaiter awaiter = new StatusAwaiter(desiredLog, statusStore, observer, properties);
    upgrades =
        new PipelineUpgrades(
            jars,
            statusStore,
            observer,
            desiredLog,
            writer,
            awaiter,
            operations.operations(),
            properties);
    when(jars.contains(anyString())).thenReturn(true);
    newest.set(
        new DesiredState(
            5, "pipeline", spec(RUNNING_JAR), 1, Instant.now(), "ops", "POST /api/v1/jobs"));
    when(desiredLog.current()).thenAnswer(i -> Optional.of(newest.get()));
    // The reconciler has not taken up the upgrade yet: its status still says the old jar runs.
    when(statusStore.read()).thenReturn(Optional.empty());
    when(observer.observeNow())
        .thenReturn(
            new Observation(Instant.now(), true, null, null, List.of(runningJob()), List.of()));
    when(writer.changeSpec(anyString(), anyString(), any()))
        .thenAnswer(
            i -> {
              UnaryOperator<PipelineSpec> edit = i.getArgument(2);
              DesiredState current = newest.get();
              DesiredState next =
                  new DesiredState(
                      current.version() + 1,
                      "pipeline",
                      edit.apply(current.spec()),
                      1,
                      Instant.now(),
                      "ops",
                      i.getArgument(1));
              newest.set(next);
              return next;
            });
  }

  @AfterEach
  void tearDown() {
    operations.close();
  }

  @Test
  void aSecondUpgradeWhileTheFirstIsInProgressIsRefusedNamingIt() {
    Operation first = upgrades.upgrade(new UpgradeRequest(SHIPPED_JAR, null), "ops");
    assertThat(first.state()).isEqualTo(OperationState.IN_PROGRESS);

    assertThatThrownBy(() -> upgrades.upgrade(new UpgradeRequest(OTHER_JAR, null), "ops"))
        .isInstanceOf(StateConflictException.class)
        .hasMessageContaining("Operation " + first.id() + " (UPGRADE) is in progress")
        .satisfies(
            e ->
                assertThat(((StateConflictException) e).properties())
                    .containsEntry("operation_id", first.id()));
    // Nothing was declared for the refused one.
    assertThat(newest.get().version()).isEqualTo(6);
    assertThat(newest.get().spec().jarSha256()).isEqualTo(SHIPPED_JAR);
    assertThat(
            operations.operations().list().stream()
                .filter(op -> op.kind() == OperationKind.UPGRADE))
        .hasSize(1);
  }

  @Test
  void anUpgradeAnotherReplicaDeclaredFirstIsRefusedRatherThanDeclaredTwice() {
    // The other replica's request for the same jar takes the next version after the checks here
    // passed (its operation is not known here yet): this one's write retries on that version.
    doAnswer(
            i -> {
              newest.set(
                  new DesiredState(
                      6,
                      "pipeline",
                      spec(SHIPPED_JAR),
                      1,
                      Instant.now(),
                      "ops",
                      "POST /api/v1/pipeline/upgrade"));
              UnaryOperator<PipelineSpec> edit = i.getArgument(2);
              edit.apply(newest.get().spec());
              return newest.get();
            })
        .when(writer)
        .changeSpec(anyString(), anyString(), any());

    assertThatThrownBy(() -> upgrades.upgrade(new UpgradeRequest(SHIPPED_JAR, null), "ops"))
        .isInstanceOf(StateConflictException.class)
        .hasMessageContaining("was declared by another request");
    assertThat(operations.operations().list()).isEmpty();
  }

  private static PipelineSpec spec(String jar) {
    return new PipelineSpec(
        PipelineState.RUNNING,
        2,
        DeliveryGuarantee.EXACTLY_ONCE,
        UpgradeMode.SAVEPOINT,
        SuspendMode.SAVEPOINT,
        true,
        null,
        false,
        jar);
  }

  private static FraudJob runningJob() {
    return new FraudJob(
        JOB,
        "fraud",
        "RUNNING",
        Instant.now(),
        null,
        null,
        2,
        DeliveryGuarantee.EXACTLY_ONCE,
        0L,
        null,
        List.of(),
        null,
        null,
        RUNNING_JAR,
        Instant.now());
  }
}
