package io.fraudpipeline.control.support;

import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * A release of the fraud job broken on one path only, for upgrade tests: the real job (reached by
 * reflection, since it runs from a copy of the real jar) plus a check on its valid transactions
 * that throws on a transaction whose id contains {@link #POISON}. Until one comes it is the real
 * job, so it passes an upgrade's readiness check; once one comes Flink's restart strategy recovers
 * it again and again from its last checkpoint, before that transaction, and it never commits an
 * alert again. The check and its sink keep no state, so the previous release restores this one's
 * checkpoints (Flink skips operators without state it does not know).
 */
public final class PoisonedFraudJob {

  /** What a transaction id contains to break this release. */
  public static final String POISON = "poison";

  private PoisonedFraudJob() {}

  public static void main(String[] args) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    RealFraudJob.addTo(env, args);
    String validate =
        (String) Class.forName("io.fraudpipeline.job.Operators").getField("VALIDATE").get(null);
    @SuppressWarnings("unchecked")
    Transformation<Object> valid =
        (Transformation<Object>)
            env.getTransformations().stream()
                .filter(t -> t.getName().equals(validate))
                .findFirst()
                .orElseThrow();
    new DataStream<>(env, valid)
        .filter(new ThrowsOnPoison())
        .uid("poisoned-release-check")
        .name("poisoned-release-check")
        .sinkTo(new DiscardingSink<>())
        .uid("poisoned-release-sink")
        .name("poisoned-release-sink");
    env.execute(RealFraudJob.jobName(args));
  }

  /** Passes nothing on; throws on a poisoned transaction. */
  static final class ThrowsOnPoison implements FilterFunction<Object> {
    @Override
    public boolean filter(Object transaction) {
      if (String.valueOf(transaction).contains(POISON)) {
        throw new IllegalStateException(
            "deliberately broken rule path (upgrade test): " + transaction);
      }
      return false;
    }
  }
}
