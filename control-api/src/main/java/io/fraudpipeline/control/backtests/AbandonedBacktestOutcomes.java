package io.fraudpipeline.control.backtests;

import io.fraudpipeline.control.jobs.JobProperties;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.operations.OperationKind;
import io.fraudpipeline.control.operations.OperationOutcomes;
import io.fraudpipeline.flink.FlinkRestClient;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.springframework.stereotype.Component;

/**
 * How a backtest ends whose replica stopped: by {@link AbandonedBacktests}, which cancels its job,
 * deletes its output and fails it saying so. The look for abandoned operations, which runs on its
 * own schedule under the same {@link io.fraudpipeline.control.leadership.LeftoverOwnership}, would
 * otherwise fail it first with the cause of job operations (check the job and the savepoints: wrong
 * advice for a backtest), and a client that polls until the state leaves IN_PROGRESS kept that
 * cause. So a backtest that left its job or output is left in progress for the cleanup; one that
 * left neither, which the cleanup never finds, fails here with the cause the cleanup would give.
 */
@Component
class AbandonedBacktestOutcomes implements OperationOutcomes {

  private final FlinkRestClient flink;
  private final BacktestKafka kafka;
  private final String jobPrefix;
  private final String topicPrefix;

  AbandonedBacktestOutcomes(
      FlinkRestClient flink,
      BacktestKafka kafka,
      BacktestProperties properties,
      JobProperties job) {
    this.flink = flink;
    this.kafka = kafka;
    this.jobPrefix = Backtests.jobName(job.name(), "");
    this.topicPrefix = properties.outputTopicPrefix();
  }

  @Override
  public Optional<Outcome> outcomeOf(Operation abandoned) {
    if (abandoned.kind() != OperationKind.BACKTEST) {
      return Optional.empty();
    }
    String id = abandoned.id();
    // Flink or Kafka unreachable throws: asked again at the next look, as for work under way.
    List<JobDetails> jobs =
        flink.jobsOverview().stream()
            .filter(j -> id.equals(AbandonedBacktests.operationId(j.getJobName(), jobPrefix)))
            .toList();
    boolean job = jobs.stream().anyMatch(AbandonedBacktests::running);
    boolean topic = kafka.topicsStartingWith(topicPrefix + id).contains(topicPrefix + id);
    if (job || topic) {
      return Optional.of(
          new UnderWay(
              "its "
                  + (job ? "job" : "output topic")
                  + " was still left for the backtest cleanup (fraud.backtests.cleanup-interval)"));
    }
    JobStatus ended =
        jobs.stream()
            .max(Comparator.comparingLong(JobDetails::getStartTime))
            .map(JobDetails::getStatus)
            .orElse(null);
    return Optional.of(
        new Failed(
            AbandonedBacktests.cause(
                AbandonedBacktests.jobFate(false, ended), false, abandoned.replica())));
  }
}
