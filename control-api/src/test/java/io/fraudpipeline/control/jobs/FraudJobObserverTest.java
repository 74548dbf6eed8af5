package io.fraudpipeline.control.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.support.Closing;
import io.fraudpipeline.control.support.Ports;
import io.fraudpipeline.embedded.LocalFlink;
import io.fraudpipeline.flink.FlinkRestClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The observer against a real Flink REST API. */
@ExtendWith(OutputCaptureExtension.class)
class FraudJobObserverTest {

  static LocalFlink flink;
  static FlinkRestClient client;

  @BeforeAll
  static void start() {
    flink = LocalFlink.start(new LocalFlink.Options(Ports.free(), 1, 1, null, Map.of()));
    client =
        new FlinkRestClient(
            URI.create(flink.restUrl()), Duration.ofSeconds(10), Duration.ofMinutes(1));
  }

  @AfterAll
  static void stop() throws Exception {
    Closing.inOrder(client, flink);
  }

  /** Stopping the control plane interrupts the observer: that is not Flink being unreachable. */
  @Test
  void anInterruptedObservationIsNeitherReportedNorKept(CapturedOutput output) {
    FraudJobObserver observer =
        new FraudJobObserver(client, "fraud-detection", Duration.ofSeconds(2), Clock.systemUTC());
    assertThat(observer.observeNow().flinkReachable()).isTrue();

    Thread.currentThread().interrupt();
    Observation interrupted;
    boolean stillInterrupted;
    try {
      interrupted = observer.observeNow();
    } finally {
      stillInterrupted = Thread.interrupted();
    }

    assertThat(stillInterrupted).as("the interrupt status is kept").isTrue();
    assertThat(interrupted.flinkReachable()).isTrue();
    assertThat(observer.current().flinkReachable()).isTrue();
    assertThat(output).doesNotContain("is unreachable");
    assertThat(observer.observeNow().flinkReachable()).isTrue();
  }
}
