package io.fraudpipeline.control.support;

import java.lang.reflect.Method;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The real fraud job's operators and state, for the test releases built on it ({@link
 * BrokenFraudJob}, {@link PoisonedFraudJob}): reached by reflection, since a test release runs from
 * a copy of the real jar, which this module's test classes are not compiled against.
 */
final class RealFraudJob {

  private RealFraudJob() {}

  /** Adds the real job to {@code env}, as its {@code main} would with {@code args}. */
  static void addTo(StreamExecutionEnvironment env, String[] args) throws Exception {
    Object params = parameters(args);
    Class<?> parameters = params.getClass();
    byte[] rules =
        (byte[])
            Class.forName("io.fraudpipeline.job.rules.RulesBootstrap")
                .getMethod("readLatest", parameters)
                .invoke(null, params);
    Method build =
        Class.forName("io.fraudpipeline.job.FraudDetectionJob")
            .getMethod("build", StreamExecutionEnvironment.class, parameters, byte[].class);
    build.invoke(null, env, params, rules);
  }

  /** The job name {@code args} give, which the control plane finds the job by. */
  static String jobName(String[] args) throws Exception {
    Object params = parameters(args);
    return (String) params.getClass().getMethod("jobName").invoke(params);
  }

  private static Object parameters(String[] args) throws Exception {
    return Class.forName("io.fraudpipeline.job.FraudJobParameters")
        .getMethod("fromArgs", String[].class)
        .invoke(null, (Object) args);
  }
}
