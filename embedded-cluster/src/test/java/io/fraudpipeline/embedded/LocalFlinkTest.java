package io.fraudpipeline.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalFlinkTest {

  @Test
  void servesTheJobManagerRestApiWithJarUploadEnabled() throws Exception {
    try (LocalFlink flink = LocalFlink.start(LocalFlink.Options.defaults().withTaskManagers(2))) {
      HttpClient http = HttpClient.newHttpClient();
      // The TaskManagers register with the ResourceManager after the REST API is up.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          http.send(
                                  HttpRequest.newBuilder(URI.create(flink.restUrl() + "/overview"))
                                      .build(),
                                  HttpResponse.BodyHandlers.ofString())
                              .body())
                      .contains("\"taskmanagers\":2")
                      .contains("\"slots-total\":8"));

      HttpResponse<String> jars =
          http.send(
              HttpRequest.newBuilder(URI.create(flink.restUrl() + "/jars")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(jars.statusCode()).isEqualTo(200);
      assertThat(jars.body()).contains("\"files\":[]");
      assertThat(flink.savepointDir()).exists();
    }
  }

  @Test
  void listensOnTheLoopbackInterfaceOnly() throws Exception {
    // Under CI=true it runs (and fails) anywhere, so green there means it ran.
    assumeTrue(
        Files.isDirectory(Path.of("/proc/self/fd")) || "true".equals(System.getenv("CI")),
        "reads the listening sockets from Linux's /proc");
    List<InetSocketAddress> before = ListeningSockets.ofThisProcess();
    try (LocalFlink flink = LocalFlink.start()) {
      List<InetSocketAddress> opened = new ArrayList<>(ListeningSockets.ofThisProcess());
      opened.removeAll(before);

      // The REST API and the BLOB server at least; before the bind hosts were set, the BLOB server
      // listened on every interface.
      assertThat(opened).hasSizeGreaterThanOrEqualTo(2);
      assertThat(opened)
          .allSatisfy(socket -> assertThat(socket.getAddress().isLoopbackAddress()).isTrue());
    }
  }

  @Test
  void aBoundedCloseSaysTheClusterStoppedAndASecondCloseIsANoOp() throws Exception {
    LocalFlink flink = LocalFlink.start();
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest overview =
        HttpRequest.newBuilder(URI.create(flink.restUrl() + "/overview")).build();
    assertThat(http.send(overview, HttpResponse.BodyHandlers.discarding()).statusCode())
        .isEqualTo(200);

    assertThat(flink.close(Duration.ofSeconds(30))).isTrue();

    assertThatThrownBy(() -> http.send(overview, HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(IOException.class);
    assertThat(flink.close(Duration.ZERO)).isTrue();
  }
}
