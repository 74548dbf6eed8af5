package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.jobs.JobJars;
import io.fraudpipeline.control.support.ControlApiClient;
import io.fraudpipeline.control.support.ControlApiClient.Response;
import io.fraudpipeline.control.support.ControlPlane;
import io.fraudpipeline.control.support.PipelineTopics;
import io.fraudpipeline.control.support.PoisonedFraudJob;
import io.fraudpipeline.control.support.SteadyLoad;
import io.fraudpipeline.control.support.TestJobJars;
import io.fraudpipeline.control.support.Traffic;
import io.fraudpipeline.control.support.WebhookReceiver;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.embedded.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Upgrades on real parts, each from a control plane that ships a new jar (a new release started on
 * the same Kafka, Flink and jar store): a broken release whose tasks fail as they start is rolled
 * back to the previous jar from the savepoint taken before it; a good release is taken
 * automatically; a release that crash-loops only once a certain transaction comes, after it was
 * ready, is rolled back from its own newest checkpoint. Under a steady load, every alert is counted
 * exactly once (read_committed) across the upgrade and across the rollback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeRollbackTest {

  private static final Duration LONG = Duration.ofMinutes(3);

  /**
   * Time for a good release's job to be ready. An upgrade succeeds as soon as its job is (every
   * task running and a checkpoint completed: 9 s after the old job was taken down at load 30), so a
   * deadline this long costs a good release nothing, and a busy machine gets the room it needs: 20
   * s failed twice at load 40-57. Releases that never get ready are rolled back on Flink's answer
   * or restarts, not at this deadline.
   */
  private static final Duration READINESS_TIMEOUT = LONG;

  /**
   * A broken release's job is never ready, and Flink's restart strategy keeps recovering its
   * failing task: it is rolled back once Flink has restarted it {@code
   * fraud.reconciler.unhealthy.max-restarts} (3) times, not at this deadline, which is well past
   * that (restarts 1 s apart and growing, and Flink's metrics refreshed every 10 s).
   */
  private static final Duration BROKEN_RELEASE_READINESS_TIMEOUT = Duration.ofSeconds(90);

  @TempDir static Path jarStore;
  @TempDir static Path builds;

  static LocalKafka kafka;
  static LocalFlink flink;
  static Traffic traffic;
  static WebhookReceiver webhooks;
  static String firstJar;
  static final List<String> expectedAlerts = Collections.synchronizedList(new ArrayList<>());

  ControlPlane control;
  ControlApiClient api;

  @BeforeAll
  static void startPipeline() {
    kafka = LocalKafka.start();
    PipelineTopics.create(kafka);
    flink = LocalFlink.start();
    traffic = new Traffic(kafka.bootstrapServers());
    webhooks = WebhookReceiver.start();
  }

  @AfterAll
  static void stopPipeline() {
    for (AutoCloseable part : new AutoCloseable[] {traffic, webhooks, flink, kafka}) {
      try {
        if (part != null) {
          part.close();
        }
      } catch (Exception e) {
        // Closing the rest matters more.
      }
    }
  }

  @AfterEach
  void stopControlPlane() {
    if (control != null) {
      control.close();
    }
  }

  /** A release of the control plane that ships {@code jar} (null: the embedded one). */
  private void startRelease(Path jar, String upgradeMode) {
    startRelease(jar, upgradeMode, READINESS_TIMEOUT);
  }

  private void startRelease(Path jar, String upgradeMode, Duration readinessTimeout) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("fraud.job.jar-store", jarStore.toString());
    settings.put("fraud.job.jar-file", jar == null ? "" : jar.toString());
    settings.put("fraud.reconciler.interval", "500ms");
    settings.put("fraud.reconciler.await-timeout", "90s");
    settings.put("fraud.reconciler.upgrade.mode", upgradeMode);
    settings.put("fraud.reconciler.upgrade.readiness-timeout", readinessTimeout.toString());
    settings.put("fraud.webhooks.urls", webhooks.url());
    settings.put("fraud.webhooks.secret", "upgrade-test-secret");
    control = ControlPlane.start(flink.restUrl(), kafka.bootstrapServers(), settings);
    api = control.api();
  }

  @Test
  @Order(1)
  void runsTheFirstReleaseAndShowsNoUpgrade() {
    startRelease(null, "manual");
    firstJar = control.bean(JobJars.class).shippedSha256();
    Response put =
        api.put(
            "/api/v1/pipeline",
            "{\"state\": \"running\", \"parallelism\": 1}",
            Map.of("If-Match", "\"0\""));
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    awaitRunningOn(firstJar);
    expectedAlerts.addAll(traffic.send("first", 40, 4));
    traffic.awaitEveryAlertExactlyOnce(expectedAlerts, LONG);

    JsonNode upgrade = api.get("/api/v1/pipeline").body().path("upgrade");
    assertThat(upgrade.path("available").asBoolean()).as(upgrade.toString()).isFalse();
    assertThat(upgrade.path("running_jar").asString()).isEqualTo(firstJar);
  }

  @Test
  @Order(2)
  void rollsBackABrokenReleaseToThePreviousJarFromTheSavepointTakenBeforeIt() throws Exception {
    startRelease(TestJobJars.brokenBuild(builds), "manual", BROKEN_RELEASE_READINESS_TIMEOUT);
    String brokenJar = control.bean(JobJars.class).shippedSha256();
    String before = runningJobId();
    JsonNode offer = api.get("/api/v1/pipeline").body().path("upgrade");
    assertThat(offer.path("available").asBoolean()).as(offer.toString()).isTrue();
    assertThat(offer.path("reasons").get(0).asString()).contains(firstJar).contains(brokenJar);

    SteadyLoad load = new SteadyLoad(traffic, expectedAlerts, "broken-release");
    load.runFor(Duration.ofSeconds(2));
    String operation = upgradeUnder(load);
    load.runFor(Duration.ofSeconds(3));

    JsonNode outcome = api.get(operation).body();
    assertThat(outcome.path("state").asString()).as(outcome.toString()).isEqualTo("FAILED");
    // The restarts Flink's REST API reports (numRestarts), read through the real client.
    assertThat(outcome.path("failure_cause").asString())
        .contains("rolled back")
        .containsPattern("restarted \\d+ times within PT5M, as often as makes a job unhealthy");
    assertThat(outcome.path("steps").findValuesAsString("message"))
        .anySatisfy(m -> assertThat(m).contains("stopped with savepoint"))
        .anySatisfy(m -> assertThat(m).contains("rolled back"));
    String after = awaitRunningOn(firstJar);
    assertThat(after).isNotEqualTo(before);

    JsonNode pipeline = api.get("/api/v1/pipeline").body();
    JsonNode last = pipeline.path("upgrade").path("last");
    assertThat(last.path("phase").asString()).isEqualTo("ROLLED_BACK");
    assertThat(last.path("rollback_point").path("kind").asString()).isEqualTo("SAVEPOINT");
    assertThat(pipeline.path("upgrade").path("rejected_jars").get(0).asString())
        .isEqualTo(brokenJar);
    // The only jar on offer is the one rolled back from: no upgrade is available (P8-4).
    assertThat(pipeline.path("upgrade").path("available").asBoolean())
        .as(pipeline.path("upgrade").toString())
        .isFalse();
    assertThat(pipeline.path("desired").path("spec").path("jar_sha256").asString())
        .isEqualTo(firstJar);
    assertThat(pipeline.path("desired").path("cause").asString()).startsWith("rollback of");
    String savepoint = last.path("rollback_point").path("path").asString();
    assertThat(outcome.path("steps").findValuesAsString("message"))
        .anySatisfy(m -> assertThat(m).contains("Rolled back to jar").contains(savepoint));
    assertThat(
            api.get("/api/v1/jobs/" + after).body().path("checkpoints").path("restored").asLong())
        .isEqualTo(1);
    awaitWebhookSaying("UpgradeRolledBack");
    traffic.awaitEveryAlertExactlyOnce(expectedAlerts, LONG);

    // A savepoint taken on request now records the jar the job runs, not the one shipped.
    Response taken = api.post("/api/v1/jobs/" + after + "/savepoints", null);
    assertThat(taken.status()).as(taken.toString()).isEqualTo(202);
    String savepointOperation = taken.header("Location").orElseThrow();
    JsonNode done =
        await()
            .atMost(LONG)
            .until(
                () -> api.get(savepointOperation).body(),
                op -> !"IN_PROGRESS".equals(op.path("state").asString()));
    assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("COMPLETED");
    JsonNode recorded = api.get("/api/v1/savepoints").body().path("savepoints").get(0);
    assertThat(recorded.path("path").asString()).isEqualTo(done.path("savepoint_path").asString());
    assertThat(recorded.path("jar_sha256").asString()).isEqualTo(firstJar).isNotEqualTo(brokenJar);
  }

  @Test
  @Order(3)
  void takesAGoodReleaseAutomaticallyUnderLoad() throws Exception {
    startRelease(TestJobJars.anotherBuild(builds, "good"), "auto");
    String goodJar = control.bean(JobJars.class).shippedSha256();

    SteadyLoad load = new SteadyLoad(traffic, expectedAlerts, "good-release");
    boolean upgraded = load.runUntil(lastUpgradeIs("SUCCEEDED"), LONG);
    assertThat(upgraded).as(api.get("/api/v1/pipeline").body().toString()).isTrue();
    load.runFor(Duration.ofSeconds(3));

    awaitRunningOn(goodJar);
    JsonNode pipeline = api.get("/api/v1/pipeline").body();
    assertThat(pipeline.path("desired").path("cause").asString()).contains("automatic upgrade");
    assertThat(pipeline.path("upgrade").path("available").asBoolean()).isFalse();
    traffic.awaitEveryAlertExactlyOnce(expectedAlerts, LONG);
  }

  @Test
  @Order(4)
  void rollsBackAtOnceAReleaseFlinkRefusesToRun() throws Exception {
    startRelease(TestJobJars.withoutItsEntryClass(builds), "manual");
    String previous =
        api.get("/api/v1/pipeline").body().path("upgrade").path("running_jar").asString();
    assertThat(previous).isNotBlank();

    SteadyLoad load = new SteadyLoad(traffic, expectedAlerts, "refused-release");
    String operation = upgradeUnder(load);

    JsonNode outcome = api.get(operation).body();
    assertThat(outcome.path("state").asString()).as(outcome.toString()).isEqualTo("FAILED");
    // Not "not on Flink after" the readiness timeout: Flink's answer, at once.
    assertThat(outcome.path("failure_cause").asString())
        .contains("Flink refused to run job")
        .contains("NotInThisJar");
    awaitRunningOn(previous);
    load.runFor(Duration.ofSeconds(2));
    traffic.awaitEveryAlertExactlyOnce(expectedAlerts, LONG);
  }

  @Test
  @Order(5)
  void aDeployRunsTheJarThePipelineDeclaredNotTheOneThisReplicaShips() throws Exception {
    // The first release again, whose shipped jar is older than the one the pipeline runs.
    startRelease(null, "manual");
    String declared =
        api.get("/api/v1/pipeline")
            .body()
            .path("desired")
            .path("spec")
            .path("jar_sha256")
            .asString();
    assertThat(declared).isNotEqualTo(firstJar);
    String job = runningJobId();
    Response stop = api.post("/api/v1/jobs/" + job + "/stop", null);
    assertThat(stop.status()).as(stop.toString()).isEqualTo(202);
    String operation = stop.header("Location").orElseThrow();
    await()
        .atMost(LONG)
        .until(() -> "COMPLETED".equals(api.get(operation).body().path("state").asString()));

    Response deploy = api.post("/api/v1/jobs", "{\"restore\": {\"latest\": true}}");

    assertThat(deploy.status()).as(deploy.toString()).isEqualTo(201);
    assertThat(deploy.body().path("jar_sha256").asString()).isEqualTo(declared);
    awaitRunningOn(declared);
    expectedAlerts.addAll(traffic.send("after-deploy", 40, 4));
    traffic.awaitEveryAlertExactlyOnce(expectedAlerts, LONG);
  }

  @Test
  @Order(6)
  void rollsBackAReleaseThatCrashLoopsAfterItWasReadyFromItsNewestCheckpoint() throws Exception {
    startRelease(TestJobJars.poisonedBuild(builds), "manual");
    String poisonedJar = control.bean(JobJars.class).shippedSha256();
    String previous =
        api.get("/api/v1/pipeline").body().path("upgrade").path("running_jar").asString();
    SteadyLoad load = new SteadyLoad(traffic, expectedAlerts, "late-broken-release");
    String operation = upgradeUnder(load);
    JsonNode upgraded = api.get(operation).body();
    assertThat(upgraded.path("state").asString()).as(upgraded.toString()).isEqualTo("COMPLETED");
    String release = awaitRunningOn(poisonedJar);
    JsonNode ready = api.get("/api/v1/pipeline").body().path("upgrade").path("last");
    assertThat(ready.path("phase").asString()).isEqualTo("SUCCEEDED");
    assertThat(ready.path("watched_until").asString()).as(ready.toString()).isNotBlank();
    load.runFor(Duration.ofSeconds(2));

    // The broken path is reached after readiness: committed alerts of the release exist by now.
    long poisonedAt = System.nanoTime();
    expectedAlerts.addAll(traffic.send(PoisonedFraudJob.POISON, 20, 4));
    boolean rolledBack = load.runUntil(lastUpgradeIs("ROLLED_BACK"), LONG);
    Duration took = Duration.ofNanos(System.nanoTime() - poisonedAt);

    JsonNode pipeline = api.get("/api/v1/pipeline").body();
    assertThat(rolledBack).as(pipeline.toString()).isTrue();
    System.out.println("Poisoned release rolled back and previous jar ready " + took + " after");
    JsonNode last = pipeline.path("upgrade").path("last");
    assertThat(last.path("reason").asString())
        .containsPattern("job " + release + " restarted \\d+ times within PT5M")
        .contains("after it was ready, within the watch period of PT10M");
    assertThat(last.path("rollback_point").path("kind").asString()).isEqualTo("CHECKPOINT");
    assertThat(last.path("rollback_point").path("job_id").asString()).isEqualTo(release);
    assertThat(pipeline.path("upgrade").path("rejected_jars").toString()).contains(poisonedJar);
    assertThat(pipeline.path("desired").path("spec").path("jar_sha256").asString())
        .isEqualTo(previous);
    String back = awaitRunningOn(previous);
    assertThat(back).isNotEqualTo(release);
    awaitWebhookSaying("UpgradeRolledBack", "after it was ready");
    // None lost (the poisoned transactions' alerts come from the previous jar), none repeated
    // (the release's committed alerts are not emitted again).
    traffic.awaitEveryAlertExactlyOnce(expectedAlerts, LONG);
  }

  // Helpers.

  /** Posts the upgrade and runs the load until its operation ends; returns the operation's URL. */
  private String upgradeUnder(SteadyLoad load) throws InterruptedException {
    Response accepted = api.post("/api/v1/pipeline/upgrade", "{}");
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    String operation = accepted.header("Location").orElseThrow();
    boolean ended =
        load.runUntil(
            () -> !"IN_PROGRESS".equals(api.get(operation).body().path("state").asString()), LONG);
    assertThat(ended).as("the upgrade ended").isTrue();
    return operation;
  }

  /** Whether the pipeline's last upgrade is in {@code phase}, as GET /api/v1/pipeline says. */
  private BooleanSupplier lastUpgradeIs(String phase) {
    return () ->
        phase.equals(
            api.get("/api/v1/pipeline")
                .body()
                .path("upgrade")
                .path("last")
                .path("phase")
                .asString());
  }

  private String runningJobId() {
    return api.get("/api/v1/pipeline").body().path("observed").path("job_id").asString();
  }

  /** Waits until a webhook was sent whose body says each of {@code words}. */
  private static void awaitWebhookSaying(String... words) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(webhooks.all())
                    .anySatisfy(hook -> assertThat(hook.body()).contains(words)));
  }

  /** Waits until the active job is RUNNING on this jar; returns its id. */
  private String awaitRunningOn(String jar) {
    await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              JsonNode observed = api.get("/api/v1/pipeline").body().path("observed");
              assertThat(observed.path("state").asString()).isEqualTo("RUNNING");
              assertThat(observed.path("jar_sha256").asString()).isEqualTo(jar);
            });
    return runningJobId();
  }
}
