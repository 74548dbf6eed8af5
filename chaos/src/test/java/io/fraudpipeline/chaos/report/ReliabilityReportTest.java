package io.fraudpipeline.chaos.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.chaos.fault.FaultLog;
import io.fraudpipeline.chaos.scenario.ScenarioResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReliabilityReportTest {

  @Test
  void aLostAlertFailsTheScenarioAndTheReportSaysSo(@TempDir Path dir) throws Exception {
    ScenarioResult clean = result("taskmanager-kill", 0, 0);
    ScenarioResult lossy = result("jobmanager-kill", 3, 0);
    ScenarioResult duplicating = result("broker-kill", 0, 2);
    assertThat(clean.passed()).isTrue();
    assertThat(lossy.passed()).isFalse();
    assertThat(duplicating.passed()).isFalse();

    Path markdown = dir.resolve("reliability.md");
    new ReliabilityReport(
            "chaos/run.sh",
            "abc1234",
            Instant.parse("2026-12-05T01:00:00Z"),
            Duration.ofMinutes(20),
            List.of("3 brokers"),
            List.of(clean, lossy, duplicating),
            List.of())
        .write(markdown);

    String text = Files.readString(markdown);
    assertThat(text).contains("commit `abc1234`").contains("**FAIL**").contains("| pass |");
    assertThat(dir.resolve("reliability/jobmanager-kill.png")).isNotEmptyFile();
    assertThat(text).contains("(reliability/jobmanager-kill.png)");
  }

  @Test
  void aSystemThatDidNotRecoverFailsTheScenarioEvenWithoutLoss() {
    FaultLog log = new FaultLog().mark("kill -9 jobmanager").fail("no job running after 60 s");
    ScenarioResult result =
        new ScenarioResult(
            "jobmanager-kill",
            "t",
            log,
            60,
            1,
            0,
            1,
            1,
            0,
            0,
            0,
            0,
            0,
            0,
            1,
            1,
            1,
            new int[] {1},
            List.of(0.0));

    assertThat(result.passed()).isFalse();
    assertThat(log.notes()).contains("FAILED: no job running after 60 s");
  }

  private static ScenarioResult result(String id, long lost, long duplicated) {
    FaultLog log = new FaultLog().mark("fault").note("what happened");
    return new ScenarioResult(
        id,
        id.replace('-', ' '),
        log,
        60,
        12_000,
        0,
        600,
        600 - lost,
        lost,
        duplicated,
        0,
        120,
        120,
        0,
        4_000,
        9_000,
        2_100,
        new int[] {10, 10, 0, 0, 20},
        List.of(1.0));
  }
}
