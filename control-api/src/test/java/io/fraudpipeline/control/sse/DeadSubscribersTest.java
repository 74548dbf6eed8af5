package io.fraudpipeline.control.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Stream clients that vanish (a killed process, a dropped laptop lid) over real TCP connections:
 * their slots are free again long before the next heartbeat, and the 429 meanwhile says when to
 * retry. The heartbeat is set far longer than the test waits, so it cannot be what frees them.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "fraud.flink.rest-url=http://127.0.0.1:9",
      "fraud.lag.poll-interval=200ms",
      "fraud.events.poll-interval=100ms",
      "fraud.events.heartbeat-interval=5m",
      "fraud.alerts.heartbeat-interval=5m"
    })
@DirtiesContext
class DeadSubscribersTest {

  /**
   * The documented default of both fraud.events.max-subscribers and fraud.alerts.max-subscribers.
   */
  private static final int LIMIT = 10;

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    TestKafka.register(registry, "dead-subscribers");
  }

  @LocalServerPort private int port;

  private final List<RawStream> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(RawStream::reset);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/v1/events/stream", "/api/v1/alerts/stream"})
  void theSlotsOfKilledClientsAreFreeWithinSecondsAndTheRefusalSaysWhenToRetry(String path)
      throws Exception {
    // The stream answers 503 until the replica has read its topics once.
    await().atMost(Duration.ofSeconds(60)).until(() -> openAndKeep(path).status() == 200);
    for (int i = 1; i < LIMIT; i++) {
      assertThat(openAndKeep(path).status()).isEqualTo(200);
    }
    RawStream refused = openAndKeep(path);
    assertThat(refused.status()).as(refused.head()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).as(refused.head()).matches("[1-9][0-9]*");

    // Half of them gone as a killed client goes (its kernel closes the socket: FIN, every byte
    // read), half reset (RST), which a server notices at its first write instead of its second.
    for (int i = 0; i < opened.size(); i++) {
      if (i % 2 == 0) {
        opened.get(i).closeAfterReadingAll();
      } else {
        opened.get(i).reset();
      }
    }
    opened.clear();
    long killed = System.nanoTime();

    // Reconnecting at once, then as often as it likes: by Retry-After every slot is free. (The
    // first try may already get in: the refusal above asked for a heartbeat, which may be written
    // after the close and fail at once on a reset connection.)
    Duration retryAfter = Duration.ofSeconds(Long.parseLong(refused.header("Retry-After")));
    RawStream firstTry = openAndKeep(path);
    long[] acceptedAt = new long[LIMIT];
    int accepted = 0;
    if (firstTry.status() == 200) {
      acceptedAt[accepted++] = System.nanoTime();
    } else {
      assertThat(firstTry.status()).as(firstTry.head()).isEqualTo(429);
      assertThat(firstTry.header("Retry-After")).isEqualTo(refused.header("Retry-After"));
    }
    while (accepted < LIMIT) {
      await()
          .atMost(retryAfter.plusSeconds(5))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> openAndKeep(path).status() == 200);
      acceptedAt[accepted++] = System.nanoTime();
    }
    System.out.printf(
        "%s: first try after the close %d, new subscribers accepted %d ms (first) to %d ms (all"
            + " %d) after the close; Retry-After %s%n",
        path,
        firstTry.status(),
        (acceptedAt[0] - killed) / 1_000_000,
        (acceptedAt[LIMIT - 1] - killed) / 1_000_000,
        LIMIT,
        retryAfter);
    assertThat(Duration.ofNanos(acceptedAt[LIMIT - 1] - killed)).isLessThan(retryAfter);
  }

  /** Opens a stream (kept for closing if it was accepted) and reads its status and headers. */
  private RawStream openAndKeep(String path) throws IOException {
    RawStream stream = RawStream.open(port, path);
    opened.add(stream);
    return stream;
  }

  /** One stream request on a socket of its own, as curl -N would send it. */
  private record RawStream(Socket socket, String head) {

    static RawStream open(int port, String path) throws IOException {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: 127.0.0.1:"
                      + port
                      + "\r\nAccept: text/event-stream\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      RawStream stream = new RawStream(socket, readUntil(socket.getInputStream(), "\r\n\r\n"));
      if (stream.status() == 200) {
        readUntil(socket.getInputStream(), "\n\n"); // the greeting comment: subscribed
      }
      return stream;
    }

    private static String readUntil(InputStream in, String end) throws IOException {
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      while (!read.toString(StandardCharsets.US_ASCII).endsWith(end)) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        read.write(b);
      }
      return read.toString(StandardCharsets.US_ASCII);
    }

    int status() {
      String[] statusLine = head.split("\r\n", 2)[0].split(" ");
      return statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : -1;
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return "";
    }

    /** Reads whatever else has arrived, then closes: the peer gets a FIN, as on a kill. */
    void closeAfterReadingAll() {
      try {
        InputStream in = socket.getInputStream();
        while (in.available() > 0) {
          in.read(new byte[in.available()]);
        }
        socket.close();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Closes at once with a reset (SO_LINGER 0). */
    void reset() {
      try {
        if (!socket.isClosed()) {
          socket.setSoLinger(true, 0);
          socket.close();
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
