package io.fraudpipeline.control.flink;

import java.net.URI;
import java.time.Duration;

/** {@link FreeSlots} for unit tests that do not count slots. */
public final class TestingFreeSlots {

  private TestingFreeSlots() {}

  /** Flink starts TaskManagers as jobs ask for slots: every request has its slots. */
  public static FreeSlots onDemand() {
    return new FreeSlots(
        null,
        new FlinkProperties(
            URI.create("http://localhost:9"),
            Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            true));
  }
}
