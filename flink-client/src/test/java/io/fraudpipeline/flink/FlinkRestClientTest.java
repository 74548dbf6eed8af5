package io.fraudpipeline.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.runtime.rest.util.RestClientException;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

class FlinkRestClientTest {

  @Test
  void keepsTheMostPreciseLineOfAFlinkErrorAndNoStackTrace() {
    String flinkAnswer =
        "[org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute"
            + " application.\n\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler"
            + ".lambda$handleRequest$1(JarRunHandler.java:114)\n\t... 5 more\nCaused by:"
            + " java.lang.ClassNotFoundException: org.example.Missing\n\tat"
            + " java.base/java.net.URLClassLoader.findClass(URLClassLoader.java:445)\n]";

    String reason =
        FlinkRestClient.flinkReason(
            new RestClientException(flinkAnswer, HttpResponseStatus.BAD_REQUEST));

    assertThat(reason).isEqualTo("java.lang.ClassNotFoundException: org.example.Missing");
  }

  @Test
  void aFlinkThatIsNotThereIsUnavailableNotAnError() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (FlinkRestClient client =
        new FlinkRestClient(
            URI.create("http://localhost:" + closedPort),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5))) {
      assertThatThrownBy(client::clusterOverview)
          .isInstanceOf(FlinkUnavailableException.class)
          .hasMessageContaining("Cannot reach Flink at http://localhost:" + closedPort)
          .hasMessageContaining("GET /overview");
    }
  }

  @Test
  void aJobManagerInLeaderElectionIsUnavailableNotARefusal() throws Exception {
    // What a restarted JobManager answers until it has won its leader election.
    HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("{\"errors\":[\"Service temporarily unavailable due to an ongoing leader"
                      + " election. Please refresh.\"]}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try (FlinkRestClient client =
        new FlinkRestClient(
            URI.create("http://localhost:" + server.getAddress().getPort()),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5))) {
      assertThatThrownBy(client::clusterOverview)
          .isInstanceOf(FlinkUnavailableException.class)
          .hasMessageContaining("GET /overview")
          .hasMessageContaining("503")
          .hasMessageContaining("ongoing leader election");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void refusesARestUrlThatIsNotAUrl() {
    assertThatThrownBy(
            () ->
                new FlinkRestClient(
                    URI.create("not-a-url"), Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a URL: not-a-url");
  }
}
