package io.fraudpipeline.control.flink;

import io.fraudpipeline.flink.FlinkRestClient;
import java.net.URI;
import java.time.Duration;

/** {@link FreeSlots} for unit tests that do not count slots. */
public final class TestingFreeSlots {

  private TestingFreeSlots() {}

  /** Counts the free slots {@code flink} reports, as on a cluster of fixed size. */
  public static FreeSlots counting(FlinkRestClient flink) {
    return new FreeSlots(
        flink,
        new FlinkProperties(
            URI.create("http://localhost:9"),
            Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            false,
            Duration.ofSeconds(1)));
  }

  /** Flink starts TaskManagers as jobs ask for slots: every request has its slots. */
  public static FreeSlots onDemand() {
    return new FreeSlots(
        null,
        new FlinkProperties(
            URI.create("http://localhost:9"),
            Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            true,
            Duration.ofSeconds(1)));
  }
}
