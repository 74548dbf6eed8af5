package io.fraudpipeline.control.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** One replica alone in its group leads, and says so in the API, health and metrics. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "fraud.flink.rest-url=http://127.0.0.1:9",
      "fraud.leadership.replica-id=api-test-replica",
      "fraud.leadership.session-timeout=6s"
    })
@DirtiesContext
class LeadershipApiTest {

  private static final String SECTION = "## Leadership metrics";

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    TestKafka.register(registry, "leadership-api");
  }

  @LocalServerPort int port;

  @Test
  void aLoneReplicaLeadsAndReportsItInTheApiHealthAndMetrics() throws Exception {
    ApiClient api = new ApiClient(port, "unused");

    JsonNode leadership =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> api.get("/api/v1/leadership").json(), j -> j.path("leader").asBoolean());
    assertThat(leadership.path("replica_id").asString()).isEqualTo("api-test-replica");
    assertThat(leadership.path("leader_id").asString()).isEqualTo("api-test-replica");
    assertThat(leadership.path("epoch").asLong()).isPositive();
    assertThat(leadership.path("since").asString()).isNotBlank();

    JsonNode health = api.get("/actuator/health").json().path("components").path("leadership");
    assertThat(health.path("status").asString()).isEqualTo("UP");
    assertThat(health.path("details").path("leader").asBoolean()).isTrue();
    assertThat(health.path("details").path("member").asBoolean()).isTrue();
    assertThat(health.path("details").path("group_id").asString())
        .isEqualTo("leadership-api-control-plane");

    // The listener counts the change a moment after the API reports the leadership.
    String scrape =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> api.get("/actuator/prometheus").body(),
                body ->
                    Pattern.compile("(?m)^fraud_leadership_changes_total\\{[^}]*} 1\\.0$")
                        .matcher(body)
                        .find());
    for (String name : documentedNames()) {
      assertThat(Pattern.compile("(?m)^" + name + "[{ ]").matcher(scrape).find())
          .as("documented metric %s served", name)
          .isTrue();
    }
    assertThat(scrape).containsPattern("(?m)^fraud_leadership_leader\\{[^}]*} 1\\.0$");
  }

  @Test
  void describesTheLeadershipEndpointInOpenApi() {
    JsonNode docs = new ApiClient(port, "unused").get("/v3/api-docs").json();

    assertThat(docs.path("paths").propertyNames()).contains("/api/v1/leadership");
  }

  /** The metric names in the first column of the section's table of docs/metrics.md. */
  private static List<String> documentedNames() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "metrics.md"));
    int start = docs.indexOf(SECTION);
    assertThat(start).as("section " + SECTION).isNotNegative();
    int end = docs.indexOf("\n## ", start + SECTION.length());
    String section = docs.substring(start, end < 0 ? docs.length() : end);
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z_]+)`").matcher(section);
    while (m.find()) {
      names.add(m.group(1));
    }
    assertThat(names).as("metrics documented in " + SECTION).isNotEmpty();
    return names;
  }
}
