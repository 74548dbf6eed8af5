package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.FlinkJob;
import io.fraudpipeline.control.flink.TestingFlinkService;
import io.fraudpipeline.flink.FlinkUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The observer of an in-memory {@link TestingFlinkService}: every observation is fresh, and shows
 * the fraud jobs as the reconciler sees them, for unit tests of what reads and waits on the
 * observer (the commands' checks of a job, a command waiting for its job).
 */
public final class TestingFraudJobObserver extends FraudJobObserver {

  private final TestingFlinkService flink;
  private final Clock clock;

  public TestingFraudJobObserver(TestingFlinkService flink, Clock clock) {
    super(null, "fraud", Duration.ofSeconds(1), clock);
    this.flink = flink;
    this.clock = clock;
  }

  @Override
  public synchronized Observation observeNow() {
    List<FlinkJob> jobs;
    try {
      jobs = flink.fraudJobs();
    } catch (FlinkUnavailableException e) {
      return Observation.unreachable(clock.instant(), e.getMessage());
    }
    return new Observation(
        clock.instant(), true, null, null, jobs.stream().map(this::fraudJob).toList(), jobs);
  }

  private FraudJob fraudJob(FlinkJob job) {
    return new FraudJob(
        job.jobId(),
        "fraud",
        job.state(),
        job.startTime(),
        job.endTime(),
        null,
        job.parallelism(),
        job.deliveryGuarantee(),
        job.restarts(),
        null,
        List.of(),
        null,
        null,
        job.jarSha256(),
        clock.instant());
  }
}
