package io.fraudpipeline.control.support;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * A deliberately broken release of the fraud job, for upgrade tests: the real job ({@link
 * RealFraudJob}) plus one operator whose tasks fail as they start. The job is RUNNING, but not
 * every task runs and no checkpoint completes, so it never commits an alert: the readiness check
 * must catch it.
 */
public final class BrokenFraudJob {

  private BrokenFraudJob() {}

  public static void main(String[] args) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    RealFraudJob.addTo(env, args);
    env.fromSequence(0, Long.MAX_VALUE)
        .uid("broken-release-source")
        .name("broken-release-source")
        .map(new FailsOnStart())
        .uid("broken-release-operator")
        .name("broken-release-operator")
        .sinkTo(new DiscardingSink<>())
        .uid("broken-release-sink")
        .name("broken-release-sink");
    env.execute(RealFraudJob.jobName(args));
  }

  /** Fails every time its task starts. */
  static final class FailsOnStart extends RichMapFunction<Long, Long> {
    @Override
    public void open(OpenContext context) {
      throw new IllegalStateException("deliberately broken job version (upgrade test)");
    }

    @Override
    public Long map(Long value) {
      return value;
    }
  }
}
