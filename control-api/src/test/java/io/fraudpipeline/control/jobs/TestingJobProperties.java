package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import java.time.Duration;

/** The job's settings in unit tests that run no real job: parallelism 2, exactly-once. */
public final class TestingJobProperties {

  private TestingJobProperties() {}

  public static JobProperties of() {
    return new JobProperties(
        "fraud",
        2,
        8,
        DeliveryGuarantee.EXACTLY_ONCE,
        Duration.ofSeconds(5),
        "io.fraudpipeline.Main",
        null,
        "/tmp/jars");
  }
}
