package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.flink.FlinkProperties;
import io.fraudpipeline.control.jobs.FraudJob;
import io.fraudpipeline.control.jobs.FraudJobObserver;
import io.fraudpipeline.control.jobs.Observation;
import io.fraudpipeline.control.scheduling.PeriodicLifecycle;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The applied version from the jobs capability's Flink observer (the lowest of the running job's
 * rules operators' {@code rulesVersionApplied} gauges, each the minimum over subtasks; see {@code
 * FraudJobObserver.applied}). It follows the observer's observations every poll interval, without
 * calling Flink itself, to know since when the job has applied its version.
 */
@Component
class ObservedAppliedRulesVersion extends PeriodicLifecycle implements AppliedRulesVersion {

  private static final Logger log = LoggerFactory.getLogger(ObservedAppliedRulesVersion.class);

  private final FraudJobObserver observer;
  private final AppliedVersionTracker tracker = new AppliedVersionTracker();

  ObservedAppliedRulesVersion(FraudJobObserver observer, FlinkProperties flink) {
    super("applied-rules-follower", flink.pollInterval(), Duration.ZERO);
    this.observer = observer;
  }

  @Override
  public Optional<AppliedRules> current() {
    return tracker.current();
  }

  @Override
  protected void poll() {
    try {
      Observation observation = observer.current();
      Optional<FraudJob> job = observation.activeJob().filter(j -> j.rulesVersionApplied() != null);
      if (job.isPresent()) {
        tracker.observe(
            job.get().jobId(),
            job.get().rulesVersionApplied(),
            job.get().observedAt() != null ? job.get().observedAt() : observation.observedAt());
      } else {
        tracker.forget();
      }
    } catch (RuntimeException e) {
      log.debug("Cannot follow the applied rules version: {}", e.toString());
      tracker.forget();
    }
  }
}
