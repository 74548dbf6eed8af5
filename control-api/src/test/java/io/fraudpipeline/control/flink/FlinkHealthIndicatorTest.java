package io.fraudpipeline.control.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.flink.FlinkRestClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class FlinkHealthIndicatorTest {

  /** A JobManager that hangs (SIGSTOP): connections are taken, no request is ever answered. */
  private ServerSocket hungJobManager;

  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private Thread acceptor;

  @BeforeEach
  void startAHungJobManager() throws Exception {
    hungJobManager = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor =
        new Thread(
            () -> {
              while (!hungJobManager.isClosed()) {
                try {
                  accepted.add(hungJobManager.accept());
                } catch (Exception closed) {
                  return;
                }
              }
            },
            "hung-jobmanager");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void stop() throws Exception {
    hungJobManager.close();
    acceptor.join(5_000);
    for (Socket socket : accepted) {
      socket.close();
    }
  }

  /** Probe 12 (P12-4): health took the request timeout (10 s) to answer while Flink hung. */
  @Test
  void aHungJobManagerIsReportedDownWithinTheHealthTimeoutNotTheRequestTimeout() {
    URI url = URI.create("http://127.0.0.1:" + hungJobManager.getLocalPort());
    FlinkRestClient flink =
        new FlinkRestClient(url, Duration.ofSeconds(30), Duration.ofSeconds(30));
    FlinkProperties properties =
        new FlinkProperties(
            url,
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            false,
            Duration.ofMillis(500));
    FlinkHealthIndicator indicator =
        new FlinkHealthIndicator(flink, new FreeSlots(flink, properties), properties);

    long started = System.nanoTime();
    Health health = indicator.health();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails().get("error"))
        .asString()
        .contains("did not answer GET /overview within PT0.5S");
    assertThat(took).isLessThan(Duration.ofSeconds(5));
    flink.close();
  }
}
