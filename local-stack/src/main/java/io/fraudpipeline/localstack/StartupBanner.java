package io.fraudpipeline.localstack;

import java.nio.file.Path;
import java.util.Locale;

/** What a developer needs once the stack is up: every URL, where data lives, the API token. */
final class StartupBanner {

  private StartupBanner() {}

  static String render(RunningStack stack, Path logFile) {
    StringBuilder out = new StringBuilder();
    out.append('\n')
        .append(
            String.format(
                Locale.ROOT,
                "  fraud-pipeline local stack is up (ready in %.1f s)%n%n",
                stack.startupTime().toMillis() / 1000.0));
    String api = stack.apiUrl();
    line(out, "Control API", api + "/api/v1/jobs", "");
    line(out, "Swagger UI", api + "/swagger-ui.html", "OpenAPI: " + api + "/v3/api-docs");
    line(out, "Health", api + "/actuator/health", "");
    line(out, "Prometheus", api + "/actuator/prometheus", "control-api metrics");
    if (stack.flinkEmbedded()) {
      line(out, "Flink web UI", stack.flinkRestUrl(), "embedded Flink session cluster, REST API");
      stack
          .flinkMetricsUrl()
          .ifPresent(url -> line(out, "Flink metrics", url, "Flink's Prometheus reporter"));
    } else {
      line(out, "Flink", stack.flinkRestUrl(), "external (FLINK_REST_URL): not started here");
    }
    if (stack.kafkaEmbedded()) {
      line(out, "Kafka", stack.kafkaBootstrapServers(), "embedded KRaft broker");
    } else {
      line(
          out,
          "Kafka",
          stack.kafkaBootstrapServers(),
          "external (KAFKA_BOOTSTRAP_SERVERS): not started here");
    }
    line(
        out, "Data", stack.dataDir().toString(), "kept across restarts; delete it to start afresh");
    if (logFile != null) {
      line(out, "Logs", logFile.toString(), "");
    }
    out.append('\n');
    ApiTokenStore.ApiToken token = stack.apiToken();
    switch (token.source()) {
      case GIVEN -> line(out, "API token", "from FRAUD_API_TOKEN", "");
      case STORED, GENERATED ->
          line(
              out,
              "API token",
              token.value(),
              (token.source() == ApiTokenStore.Source.GENERATED ? "generated, " : "")
                  + "kept in "
                  + token.file());
    }
    out.append("\n  Writes need the token, e.g.:\n");
    if (token.source() != ApiTokenStore.Source.GIVEN) {
      out.append("    export FRAUD_API_TOKEN=$(cat ").append(token.file()).append(")\n");
    }
    out.append("    curl -X POST -H \"Authorization: Bearer $FRAUD_API_TOKEN\" ")
        .append("-H 'Content-Type: application/json' -d '{}' ")
        .append(api)
        .append("/api/v1/jobs\n");
    out.append("\n  Ctrl-C stops everything (control-api, then Flink, then Kafka).\n");
    return out.toString();
  }

  private static void line(StringBuilder out, String label, String value, String note) {
    out.append(String.format(Locale.ROOT, "  %-14s %s", label, value));
    if (!note.isEmpty()) {
      out.append("   (").append(note).append(')');
    }
    out.append('\n');
  }
}
