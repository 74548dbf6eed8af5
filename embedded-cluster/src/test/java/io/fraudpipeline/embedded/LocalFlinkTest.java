package io.fraudpipeline.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class LocalFlinkTest {

  @Test
  void servesTheJobManagerRestApiWithJarUploadEnabled() throws Exception {
    try (LocalFlink flink = LocalFlink.start(LocalFlink.Options.defaults().withTaskManagers(2))) {
      HttpClient http = HttpClient.newHttpClient();
      String overview =
          http.send(
                  HttpRequest.newBuilder(URI.create(flink.restUrl() + "/overview")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(overview).contains("\"taskmanagers\":2").contains("\"slots-total\":8");

      HttpResponse<String> jars =
          http.send(
              HttpRequest.newBuilder(URI.create(flink.restUrl() + "/jars")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(jars.statusCode()).isEqualTo(200);
      assertThat(jars.body()).contains("\"files\":[]");
      assertThat(flink.savepointDir()).exists();
    }
  }
}
