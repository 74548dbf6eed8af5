package io.fraudpipeline.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.FraudJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PipelineStatusTest {

  private static final Instant START = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void keepsTheLastDecisionsOldestFirstWithoutRepeatingOneThatDidNotChange() {
    PipelineStatus status = PipelineStatus.initial();
    assertThat(status.recentSteps()).isEmpty();

    for (int i = 0; i < PipelineStatus.RECENT_STEPS + 5; i++) {
      status = withStep(status, i);
      // A write that changes something else keeps the same last step.
      PipelineStatus.Builder unchanged = status.toBuilder();
      unchanged.deployments = i;
      status = unchanged.build();
    }

    assertThat(status.recentSteps()).hasSize(PipelineStatus.RECENT_STEPS);
    assertThat(status.recentSteps().get(0).message()).isEqualTo("step 5");
    assertThat(status.recentSteps()).last().isEqualTo(status.lastStep());
    assertThat(status.lastStep().message()).isEqualTo("step " + (PipelineStatus.RECENT_STEPS + 4));
    for (int i = 1; i < status.recentSteps().size(); i++) {
      assertThat(status.recentSteps().get(i).at()).isAfter(status.recentSteps().get(i - 1).at());
    }
  }

  @Test
  void recordsHowTheExpectedJobsSubmissionStandsAndReadsItBack() {
    PipelineStatus.Builder pending = PipelineStatus.initial().toBuilder();
    pending.jobId = "a".repeat(32);
    pending.jobSubmission = PipelineStatus.Submission.PENDING;

    byte[] written = FraudJson.mapper().writeValueAsBytes(pending.build());

    assertThat(new String(written, StandardCharsets.UTF_8))
        .contains("\"job_submission\":\"PENDING\"");
    assertThat(FraudJson.mapper().readValue(written, PipelineStatus.class).jobSubmission())
        .isEqualTo(PipelineStatus.Submission.PENDING);
  }

  @Test
  void readsHowTheSubmissionStoodFromTheStepsOfAStatusWrittenWithoutIt() {
    String job = "5581a4df39837365d05643eae0f06016";

    assertThat(earlierRelease(job, "Deploying " + job + ": Deployed for desired version 1"))
        .isEqualTo(PipelineStatus.Submission.PENDING);
    assertThat(earlierRelease(job, "Submitting " + job + " failed: Could not run the jar"))
        .isEqualTo(PipelineStatus.Submission.REFUSED);
    assertThat(earlierRelease(job, "Job " + job + " is RUNNING"))
        .isEqualTo(PipelineStatus.Submission.ACCEPTED);
    assertThat(earlierRelease(job, "Replica cp-a reconciles from epoch 3"))
        .isEqualTo(PipelineStatus.Submission.ACCEPTED);
  }

  @Test
  void readsAnUnhealthyReportWrittenWithoutItsJobAsTheExpectedJobs() {
    String job = "5581a4df39837365d05643eae0f06016";
    String written =
        "{\"desired_version\":1,\"lineage\":0,\"job_id\":\""
            + job
            + "\",\"deployments\":1,\"suspended\":false,\"failure_restarts\":[],"
            + "\"unhealthy\":\"restarted 3 times\",\"rejected_jars\":[],"
            + "\"updated_at\":\"2026-12-06T10:00:00Z\"}";

    PipelineStatus read =
        FraudJson.mapper()
            .readValue(written.getBytes(StandardCharsets.UTF_8), PipelineStatus.class);

    assertThat(read.unhealthyJobId()).isEqualTo(job);
    assertThat(new String(FraudJson.mapper().writeValueAsBytes(read), StandardCharsets.UTF_8))
        .contains("\"unhealthy_job_id\":\"" + job + "\"");
    PipelineStatus.Builder healthy = read.toBuilder();
    healthy.unhealthy = null;
    assertThat(healthy.build().unhealthyJobId()).isNull();
  }

  /** The submission read from a status as releases before {@code job_submission} wrote it. */
  private static PipelineStatus.Submission earlierRelease(String job, String lastMessage) {
    String step =
        "{\"at\":\"2026-12-06T10:00:00Z\",\"action\":\"deploy\",\"message\":\""
            + lastMessage
            + "\",\"replica\":\"cp-a\",\"epoch\":3}";
    String status =
        "{\"desired_version\":1,\"lineage\":0,\"job_id\":\""
            + job
            + "\",\"deployments\":1,\"suspended\":false,\"failure_restarts\":[],"
            + "\"rejected_jars\":[],\"last_step\":"
            + step
            + ",\"recent_steps\":["
            + step
            + "],\"updated_at\":\"2026-12-06T10:00:00Z\"}";
    return FraudJson.mapper()
        .readValue(status.getBytes(StandardCharsets.UTF_8), PipelineStatus.class)
        .jobSubmission();
  }

  private static PipelineStatus withStep(PipelineStatus status, int i) {
    PipelineStatus.Builder next = status.toBuilder();
    next.lastStep = new ReconcileStep(START.plusSeconds(i), "none", "step " + i, "replica-a", 1);
    return next.build();
  }
}
