package io.fraudpipeline.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.embedded.LocalFlink;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.rest.messages.TriggerId;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What the client makes of the outcome of an operation on a real Flink, above all of one Flink
 * accepted and then failed, whose answer carries Flink's reason; and that it reads the same inside
 * a Spring Boot jar, where Flink's classes are not on the system class loader.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationOutcomesOnFlinkTest {

  private static final Duration LONG = Duration.ofMinutes(2);

  /** Not writable even by root: a savepoint there fails when Flink creates its directory. */
  private static final String UNWRITABLE = "file:///proc/fraud-pipeline-savepoints";

  private static final String CANNOT_CREATE =
      "IOException: Failed to create savepoint directory at file:/proc/fraud-pipeline-savepoints";

  static LocalFlink flink;
  static FlinkRestClient client;
  static JobID job;
  static TriggerId firstSavepoint;

  /** Each operation the tests asked for, with the outcome this JVM read. */
  static final Map<String, String> outcomes = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    flink = LocalFlink.start();
    client = new FlinkRestClient(URI.create(flink.restUrl()), Duration.ofSeconds(10), LONG);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.fromSequence(0, Long.MAX_VALUE).map(new Unhurried()).sinkTo(new DiscardingSink<>());
    job = flink.miniCluster().submitJob(env.getStreamGraph()).get().getJobID();
    // Until Flink can take a savepoint of the job (it refuses one while the job is initializing or
    // not every task runs), so that the failures below are the target directory's.
    await()
        .atMost(LONG)
        .until(
            () -> {
              TriggerId trigger = new TriggerId();
              client.triggerSavepoint(job, flink.savepointDir().toUri().toString(), trigger);
              if (awaitOutcome(trigger).succeeded()) {
                firstSavepoint = trigger;
                return true;
              }
              return false;
            });
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (flink != null) {
      flink.close();
    }
  }

  @Test
  @Order(1)
  void aSavepointFlinkTookReportsWhereItIs() {
    SavepointStatus status = client.savepointStatus(job, firstSavepoint);

    assertThat(status.succeeded()).isTrue();
    assertThat(status.failure()).isNull();
    Path written = Path.of(URI.create(status.location()));
    assertThat(written).startsWith(flink.savepointDir());
    assertThat(Files.isDirectory(written)).isTrue();
    outcomes.put(savepoint(firstSavepoint), status.toString());
  }

  @Test
  @Order(2)
  void aSavepointFlinkFailedReportsFlinksReason() {
    TriggerId trigger = new TriggerId();
    client.triggerSavepoint(job, UNWRITABLE, trigger);

    SavepointStatus status = awaitOutcome(trigger);

    assertThat(status.succeeded()).isFalse();
    assertThat(status.location()).isNull();
    assertThat(status.failure()).isEqualTo(CANNOT_CREATE);
    outcomes.put(savepoint(trigger), status.toString());
  }

  @Test
  @Order(3)
  void aCheckpointFlinkTookReportsItsId() {
    TriggerId trigger = client.triggerCheckpoint(job);

    long checkpoint =
        await()
            .atMost(LONG)
            .until(() -> client.triggeredCheckpoint(job, trigger), java.util.Optional::isPresent)
            .orElseThrow();

    assertThat(checkpoint).isPositive();
    String operation = "checkpoint:" + job + ":" + trigger;
    outcomes.put(operation, OutcomeReader.read(client, operation));
  }

  @Test
  @Order(3)
  void aCheckpointFlinkFailedIsReportedAsFailedWithFlinksReason() {
    JobID unknown = new JobID();
    TriggerId trigger = client.triggerCheckpoint(unknown);

    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> client.triggeredCheckpoint(unknown, trigger))
                    .isInstanceOfSatisfying(
                        FlinkRequestException.class,
                        e -> assertThat(e.flinkStatus()).as("failed, not refused").isZero())
                    .hasMessageStartingWith("Checkpoint failed: ")
                    .hasMessageContaining(unknown.toString()));
    String operation = "checkpoint:" + unknown + ":" + trigger;
    outcomes.put(operation, OutcomeReader.read(client, operation));
  }

  @Test
  @Order(4)
  void disposingOfASavepointThatIsNotThereLeavesNothingToDo() {
    String gone = flink.savepointDir().resolve("savepoint-000000-000000000000").toUri().toString();
    TriggerId trigger = client.triggerSavepointDisposal(gone);

    DisposalStatus status =
        await()
            .atMost(LONG)
            .until(() -> client.savepointDisposalStatus(trigger), DisposalStatus::completed);

    assertThat(status.nothingThere()).isTrue();
    assertThat(status.failure()).isNull();
    outcomes.put("disposal:" + trigger, status.toString());
  }

  @Test
  @Order(5)
  void aStopWithSavepointFlinkFailedReportsFlinksReasonAndTheJobRunsOn() {
    TriggerId trigger = new TriggerId();
    client.stopWithSavepoint(job, UNWRITABLE, false, trigger);

    SavepointStatus status = awaitOutcome(trigger);

    assertThat(status.succeeded()).isFalse();
    assertThat(status.location()).isNull();
    assertThat(status.failure()).isEqualTo(CANNOT_CREATE);
    assertThat(client.jobDetails(job).getJobStatus().isGloballyTerminalState()).isFalse();
    outcomes.put(savepoint(trigger), status.toString());
  }

  /**
   * Before, every failed operation read there was "Response was neither of the expected type(...)
   * nor an error", which the control plane reported as a savepoint trigger Flink did not know.
   */
  @Test
  @Order(6)
  void readsTheSameOutcomesInsideASpringBootJar() throws Exception {
    assertThat(outcomes).hasSize(6);
    List<String> args = new java.util.ArrayList<>();
    args.add(flink.restUrl());
    args.addAll(outcomes.keySet());

    String output = BootLikeJvm.run(OutcomeReader.class, LONG, args.toArray(String[]::new));

    Map<String, String> read = new LinkedHashMap<>();
    output
        .lines()
        .filter(line -> line.startsWith(OutcomeReader.PREFIX))
        .map(line -> line.substring(OutcomeReader.PREFIX.length()).split(" ", 2))
        .forEach(parts -> read.put(parts[0], parts[1]));
    assertThat(read).as(output).isEqualTo(outcomes);
  }

  private static String savepoint(TriggerId trigger) {
    return "savepoint:" + job + ":" + trigger;
  }

  private static SavepointStatus awaitOutcome(TriggerId trigger) {
    return await()
        .atMost(LONG)
        .until(() -> client.savepointStatus(job, trigger), SavepointStatus::completed);
  }

  /** About a thousand records a second, so the job idles on a shared machine. */
  private static final class Unhurried implements MapFunction<Long, Long> {
    @Override
    public Long map(Long value) {
      LockSupport.parkNanos(1_000_000);
      return value;
    }
  }
}
