package io.fraudpipeline.control.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.control.ControlApiApplication;
import io.fraudpipeline.control.support.ApiClient;
import io.fraudpipeline.control.support.ApiClient.Reply;
import io.fraudpipeline.control.support.TestKafka;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The rules API against a real broker: what it answers, and what lands on the topics. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {RulesApiTest.TOKEN_PROPERTY, "fraud.flink.rest-url=http://127.0.0.1:9"})
@DirtiesContext
class RulesApiTest {

  static final String TOKEN = "rules-test-token-0123456789";
  static final String TOKEN_PROPERTY = "fraud.security.api-token=" + TOKEN;
  private static final String PREFIX = "rules";
  private static final String JSON = "application/json";
  private static final String MERGE_PATCH = "application/merge-patch+json";

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    TestKafka.register(registry, PREFIX);
  }

  @LocalServerPort int port;
  private ApiClient api;

  @BeforeEach
  void client() {
    api = new ApiClient(port, TOKEN);
  }

  @Test
  void replacesAndPatchesWithOptimisticConcurrencyAndKeepsTheHistoryAcrossARestart() {
    long start = currentVersion();

    Reply noPrecondition = api.write("PUT", "/api/v1/rules", JSON, "{\"amount_threshold\": 4000}");
    assertThat(noPrecondition.status()).isEqualTo(428);
    assertThat(noPrecondition.problemType()).isEqualTo("precondition-required");

    Reply put =
        api.write(
            "PUT",
            "/api/v1/rules",
            JSON,
            "{\"amount_threshold\": 4000, \"category_thresholds\": {\"gambling\": 500}}",
            "If-Match",
            etag(start),
            "X-Updated-By",
            "alice");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.header("ETag")).isEqualTo(etag(start + 1));
    assertThat(put.json().path("version").asLong()).isEqualTo(start + 1);
    assertThat(put.json().path("amount_threshold").decimalValue()).isEqualByComparingTo("4000");
    assertThat(put.json().path("updated_by").asString()).isEqualTo("alice");

    Reply patch =
        api.write(
            "PATCH",
            "/api/v1/rules",
            MERGE_PATCH,
            "{\"amount_threshold\": 3000, \"category_thresholds\": {\"gambling\": null}}",
            "If-Match",
            etag(start + 1));
    assertThat(patch.status()).isEqualTo(200);
    assertThat(patch.json().path("version").asLong()).isEqualTo(start + 2);
    assertThat(patch.json().path("amount_threshold").decimalValue()).isEqualByComparingTo("3000");
    assertThat(patch.json().path("category_thresholds").isEmpty()).isTrue();
    assertThat(patch.json().path("updated_by").asString()).isEqualTo("api-client");

    Reply stale =
        api.write(
            "PATCH",
            "/api/v1/rules",
            MERGE_PATCH,
            "{\"amount_threshold\": 1}",
            "If-Match",
            etag(start + 1));
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.problemType()).isEqualTo("precondition-failed");
    assertThat(stale.json().path("current_version").asLong()).isEqualTo(start + 2);

    // What the job reads: the latest record of the rules topic, through the wire contract.
    RuleSet onTopic = latestOnRulesTopic();
    assertThat(onTopic.version()).isEqualTo(start + 2);
    assertThat(onTopic.amountThreshold()).isEqualByComparingTo("3000");
    assertThat(onTopic.updatedBy()).isEqualTo("api-client");

    JsonNode history = api.get("/api/v1/rules/history?limit=2").json().path("changes");
    assertThat(history).hasSize(2);
    JsonNode latest = history.get(0);
    assertThat(latest.path("version").asLong()).isEqualTo(start + 2);
    assertThat(latest.path("previous_version").asLong()).isEqualTo(start + 1);
    assertThat(latest.path("operation").asString()).isEqualTo("merge-patch");
    assertThat(latest.path("changed_by").asString()).isEqualTo("api-client");
    assertThat(fields(latest)).containsExactly("amount_threshold", "category_thresholds.gambling");
    assertThat(history.get(1).path("changed_by").asString()).isEqualTo("alice");
    assertThat(history.get(1).path("operation").asString()).isEqualTo("replace");

    // A new control plane on the same Kafka knows the version and the history.
    try (ConfigurableApplicationContext restarted = startAnotherControlPlane()) {
      int otherPort = ((WebServerApplicationContext) restarted).getWebServer().getPort();
      ApiClient other = new ApiClient(otherPort, TOKEN);
      Reply rules = other.get("/api/v1/rules");
      assertThat(rules.header("ETag")).isEqualTo(etag(start + 2));
      assertThat(rules.json().path("amount_threshold").decimalValue()).isEqualByComparingTo("3000");
      JsonNode restartedHistory = other.get("/api/v1/rules/history?limit=2").json().path("changes");
      assertThat(restartedHistory).isEqualTo(history);
    }
  }

  @Test
  void refusesInvalidRulesWithFieldErrorsAndWritesNothing() {
    long version = currentVersion();
    int historySize = api.get("/api/v1/rules/history?limit=1000").json().path("changes").size();

    Reply invalid =
        put(
            version,
            "{\"amount_threshold\": -1, \"category_thresholds\": {\"gambling\": 0},"
                + " \"velocity\": {\"enabled\": true, \"max_transactions\": 0}}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.problemType()).isEqualTo("validation");
    assertThat(errorFields(invalid))
        .containsExactlyInAnyOrder(
            "amount_threshold", "category_thresholds.gambling", "velocity.max_transactions");

    Reply unknown =
        put(version, "{\"amount_threshold\": 100, \"colour\": \"red\", \"version\": 9}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(errorFields(unknown)).containsExactlyInAnyOrder("colour", "version");
    Reply author = put(version, "{\"amount_threshold\": 100, \"updated_by\": \"me\"}");
    assertThat(author.json().path("errors").get(0).path("message").asString())
        .isEqualTo("is read-only: the server sets it (name yourself in X-Updated-By)");

    Reply wrongType = put(version, "{\"amount_threshold\": \"100\"}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(errorFields(wrongType)).containsExactly("amount_threshold");

    Reply missing = put(version, "{\"category_thresholds\": {}}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(errorFields(missing)).containsExactly("amount_threshold");

    Reply removesRequired =
        api.write(
            "PATCH",
            "/api/v1/rules",
            MERGE_PATCH,
            "{\"amount_threshold\": null}",
            "If-Match",
            etag(version));
    assertThat(removesRequired.status()).isEqualTo(400);
    assertThat(errorFields(removesRequired)).containsExactly("amount_threshold");

    Reply notJson = put(version, "{\"amount_threshold\": ");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.problemType()).isEqualTo("malformed-body");

    Reply plainJsonPatch =
        api.write(
            "PATCH", "/api/v1/rules", JSON, "{\"amount_threshold\": 1}", "If-Match", etag(version));
    assertThat(plainJsonPatch.status()).isEqualTo(415);

    Reply badActor =
        api.write(
            "PUT",
            "/api/v1/rules",
            JSON,
            "{\"amount_threshold\": 100}",
            "If-Match",
            etag(version),
            "X-Updated-By",
            "Bearer x\ty");
    assertThat(badActor.status()).isEqualTo(400);

    Reply noToken =
        api.writeWithoutToken("PUT", "/api/v1/rules", JSON, "{\"amount_threshold\": 100}");
    assertThat(noToken.status()).isEqualTo(401);

    assertThat(currentVersion()).isEqualTo(version);
    assertThat(api.get("/api/v1/rules/history?limit=1000").json().path("changes").size())
        .isEqualTo(historySize);
    assertThat(invalid.body()).doesNotContain(TOKEN);
  }

  @Test
  void publishesNamedRulesAndRefusesABadOneWithAProblemPerField() {
    long version = currentVersion();
    String many =
        "{\"id\": \"many-merchants\", \"name\": \"Card paying many merchants\","
            + " \"state\": \"active\", \"kind\": \"aggregate\", \"group_by\": [\"account_id\"],"
            + " \"function\": \"count_distinct\", \"field\": \"merchant\", \"window\": \"PT10M\","
            + " \"operator\": \">=\", \"limit\": 5}";
    Reply put = put(version, "{\"amount_threshold\": 5000, \"rules\": [" + many + "]}");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().path("rules").get(0).path("window").asString()).isEqualTo("PT10M");
    RuleSet onTopic = latestOnRulesTopic();
    assertThat(onTopic.rules()).hasSize(1);
    assertThat(onTopic.rules().get(0).id()).isEqualTo("many-merchants");

    Reply patched =
        api.write(
            "PATCH",
            "/api/v1/rules",
            MERGE_PATCH,
            "{\"rules\": [" + many.replace("\"limit\": 5", "\"limit\": 7") + "]}",
            "If-Match",
            etag(version + 1));
    assertThat(patched.status()).isEqualTo(200);
    JsonNode change = api.get("/api/v1/rules/history?limit=1").json().path("changes").get(0);
    assertThat(fields(change)).containsExactly("rules.many-merchants.limit");

    // Flink does not answer here: whether a job runs, and what it reports, is unknown.
    Reply stats = api.get("/api/v1/rules/stats");
    assertThat(stats.status()).isEqualTo(503);
    assertThat(stats.problemType()).isEqualTo("flink-unavailable");

    Reply bad =
        put(
            version + 2,
            "{\"amount_threshold\": 5000, \"rules\": ["
                + many
                + ", "
                + many.replace("PT10M", "P2D").replace("\"account_id\"]", "\"shoe_size\"]")
                + ", {\"id\": \"x\", \"kind\": \"threshold\", \"field\": \"amount\","
                + " \"operator\": \">\", \"limit\": 1, \"colour\": \"red\"}]}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.header("Content-Type")).startsWith("application/problem+json");
    assertThat(errorFields(bad)).containsExactly("rules[2].colour");

    Reply invalid =
        put(
            version + 2,
            "{\"amount_threshold\": 5000, \"rules\": ["
                + many
                + ", "
                + many.replace("PT10M", "P2D").replace("\"account_id\"]", "\"shoe_size\"]")
                + "]}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(errorFields(invalid))
        .containsExactlyInAnyOrder("rules[1].id", "rules[1].group_by[0]", "rules[1].window");

    Reply wrongType =
        put(
            version + 2,
            "{\"amount_threshold\": 5000, \"rules\": [" + many.replace("5}", "\"5\"}") + "]}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(errorFields(wrongType)).containsExactly("rules[0].limit");
    assertThat(currentVersion()).isEqualTo(version + 2);
  }

  @Test
  void aFilterComparingTheAmountWithANonNumberIsRefused() {
    long version = currentVersion();
    Reply refused =
        put(
            version,
            "{\"amount_threshold\": 5000, \"rules\": [{\"id\": \"odd\", \"kind\": \"threshold\","
                + " \"field\": \"amount\", \"operator\": \">\", \"limit\": 1,"
                + " \"filter\": {\"amount\": \"abc\"}}]}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.problemType()).isEqualTo("validation");
    JsonNode error = refused.json().path("errors").get(0);
    assertThat(error.path("field").asString()).isEqualTo("rules[0].filter.amount");
    assertThat(error.path("message").asString()).startsWith("must be a number");
    assertThat(currentVersion()).isEqualTo(version);
  }

  @Test
  void aWindowGivenAsANumberIsRefusedAsADuration() {
    long version = currentVersion();
    Reply refused =
        put(
            version,
            "{\"amount_threshold\": 5000, \"rules\": [{\"id\": \"w\", \"kind\": \"aggregate\","
                + " \"group_by\": [\"account_id\"], \"function\": \"count\", \"window\": 600,"
                + " \"operator\": \">\", \"limit\": 5}]}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.problemType()).isEqualTo("validation");
    JsonNode error = refused.json().path("errors").get(0);
    assertThat(error.path("field").asString()).isEqualTo("rules[0].window");
    assertThat(error.path("message").asString())
        .isEqualTo("must be an ISO-8601 duration such as PT30S or PT10M");
    assertThat(currentVersion()).isEqualTo(version);
  }

  /**
   * An earlier release wrote a rule set whose named rule can never fire (count < 1), which writing
   * now refuses: GET still shows it as the rules in force, as the job applies it; PUT refuses the
   * rule with the field error, and a PUT without it replaces the set.
   */
  @Test
  void showsAStoredRuleSetThatWritingNowRefusesAndRefusesItOnPut() throws Exception {
    long version = currentVersion();
    String never =
        "{\"id\": \"never\", \"kind\": \"aggregate\", \"group_by\": [\"account_id\"],"
            + " \"function\": \"count\", \"window\": \"PT1M\", \"operator\": \"<\","
            + " \"limit\": 1}";
    String stored =
        "{\"version\": "
            + (version + 1)
            + ", \"amount_threshold\": 4321, \"rules\": ["
            + never
            + "]}";
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  PREFIX + "-rules", Topics.RULES_KEY, stored.getBytes(StandardCharsets.UTF_8)))
          .get();
    }

    Reply shown = api.get("/api/v1/rules");
    assertThat(shown.status()).isEqualTo(200);
    assertThat(shown.header("ETag")).isEqualTo(etag(version + 1));
    assertThat(shown.json().path("amount_threshold").decimalValue()).isEqualByComparingTo("4321");
    assertThat(shown.json().path("rules").get(0).path("id").asString()).isEqualTo("never");

    Reply refused = put(version + 1, "{\"amount_threshold\": 4321, \"rules\": [" + never + "]}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.problemType()).isEqualTo("validation");
    JsonNode error = refused.json().path("errors").get(0);
    assertThat(error.path("field").asString()).isEqualTo("rules[0].limit");
    assertThat(error.path("message").asString())
        .isEqualTo(
            "< 1 holds for no transaction the rule takes (a count is always at least 1, a whole"
                + " number): it would never alert");
    assertThat(currentVersion()).isEqualTo(version + 1);

    Reply fixed = put(version + 1, "{\"amount_threshold\": 4321}");
    assertThat(fixed.status()).as(fixed.toString()).isEqualTo(200);
    assertThat(fixed.json().path("rules").isMissingNode() || fixed.json().path("rules").isEmpty())
        .isTrue();
  }

  @Test
  void letsExactlyOneOfConcurrentWritersOfTheSameVersionWin() throws Exception {
    long version = currentVersion();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Reply>> writers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String body = "{\"amount_threshold\": " + (1000 + i) + "}";
        writers.add(
            () ->
                api.write("PATCH", "/api/v1/rules", MERGE_PATCH, body, "If-Match", etag(version)));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Reply> reply : pool.invokeAll(writers)) {
        statuses.add(reply.get().status());
      }
      assertThat(statuses).containsOnly(200, 412);
      assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(currentVersion()).isEqualTo(version + 1);
  }

  @Test
  void letsExactlyOneOfTwoReplicasWritingTheSameVersionWin() throws Exception {
    try (ConfigurableApplicationContext another = startAnotherControlPlane()) {
      ApiClient other =
          new ApiClient(((WebServerApplicationContext) another).getWebServer().getPort(), TOKEN);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      Map<Long, String> answeredThresholds = new HashMap<>();
      try {
        for (int round = 0; round < 8; round++) {
          long version = currentVersion();
          CountDownLatch start = new CountDownLatch(1);
          List<Callable<Reply>> writers = new ArrayList<>();
          for (ApiClient replica : List.of(api, other)) {
            String threshold = (replica == api ? "3" : "4") + String.format("%03d", round);
            String body = "{\"amount_threshold\": " + threshold + "}";
            writers.add(
                () -> {
                  start.await();
                  return replica.write(
                      "PATCH", "/api/v1/rules", MERGE_PATCH, body, "If-Match", etag(version));
                });
          }
          List<Future<Reply>> replies = new ArrayList<>();
          writers.forEach(writer -> replies.add(pool.submit(writer)));
          start.countDown();
          List<Integer> statuses = new ArrayList<>();
          for (Future<Reply> future : replies) {
            Reply reply = future.get();
            statuses.add(reply.status());
            if (reply.status() == 200) {
              assertThat(reply.json().path("version").asLong()).isEqualTo(version + 1);
              answeredThresholds.put(
                  version + 1, plain(reply.json().path("amount_threshold").decimalValue()));
            }
          }
          // 409 when other replicas' changes fenced a writer three times in a row: not a win.
          assertThat(statuses).as("round %d", round).isSubsetOf(200, 412, 409);
          assertThat(statuses).as("round %d", round).filteredOn(s -> s == 200).hasSizeLessThan(2);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(answeredThresholds).isNotEmpty();
      // Every version on the topic once, holding the change the client was told it won.
      Map<Long, List<String>> onTopic = new HashMap<>();
      for (RuleSet rules : rulesOnTopic()) {
        onTopic
            .computeIfAbsent(rules.version(), v -> new ArrayList<>())
            .add(plain(rules.amountThreshold()));
      }
      answeredThresholds.forEach(
          (version, threshold) ->
              assertThat(onTopic.get(version))
                  .as("version %d", version)
                  .containsExactly(threshold));
    }
  }

  @Test
  void createsTheRulesTopicCompactedAndTheHistoryTopicKeptForever() throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = TestKafka.broker().admin()) {
      var rules =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, PREFIX + "-rules");
      var history =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, PREFIX + "-rules-history");
      var configs = admin.describeConfigs(List.of(rules, history)).all().get();

      assertThat(configs.get(rules).get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(configs.get(history).get("cleanup.policy").value()).isEqualTo("delete");
      assertThat(configs.get(history).get("retention.ms").value()).isEqualTo("-1");
      assertThat(configs.get(history).get("retention.bytes").value()).isEqualTo("-1");
    }
  }

  private Reply put(long version, String body) {
    return api.write("PUT", "/api/v1/rules", JSON, body, "If-Match", etag(version));
  }

  private long currentVersion() {
    Reply rules = api.get("/api/v1/rules");
    assertThat(rules.status()).isEqualTo(200);
    assertThat(rules.header("ETag")).isEqualTo(etag(rules.json().path("version").asLong()));
    return rules.json().path("version").asLong();
  }

  private static String plain(java.math.BigDecimal amount) {
    return amount.stripTrailingZeros().toPlainString();
  }

  private static String etag(long version) {
    return "\"" + version + "\"";
  }

  private static List<String> errorFields(Reply reply) {
    List<String> fields = new ArrayList<>();
    reply.json().path("errors").forEach(e -> fields.add(e.path("field").asString()));
    return fields;
  }

  private static List<String> fields(JsonNode change) {
    List<String> fields = new ArrayList<>();
    change.path("changes").forEach(c -> fields.add(c.path("field").asString()));
    return fields;
  }

  /** Command-line arguments: they outrank application.yaml, as on a real start. */
  private ConfigurableApplicationContext startAnotherControlPlane() {
    return new SpringApplicationBuilder(ControlApiApplication.class)
        .run(
            "--server.port=0",
            "--fraud.security.api-token=" + TOKEN,
            "--fraud.flink.rest-url=http://127.0.0.1:9",
            "--spring.kafka.bootstrap-servers=" + TestKafka.broker().bootstrapServers(),
            "--fraud.topics.transactions=" + PREFIX + "-transactions",
            "--fraud.topics.fraud-alerts=" + PREFIX + "-alerts",
            "--fraud.topics.transactions-dlq=" + PREFIX + "-dlq",
            "--fraud.topics.fraud-rules=" + PREFIX + "-rules",
            "--fraud.topics.rules-history=" + PREFIX + "-rules-history",
            "--fraud.topics.savepoints=" + PREFIX + "-savepoints");
  }

  private static RuleSet latestOnRulesTopic() {
    List<RuleSet> all = rulesOnTopic();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  /** Every valid rule set on the rules topic, in offset order, as the job reads them. */
  private static List<RuleSet> rulesOnTopic() {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.broker().bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    TopicPartition tp = new TopicPartition(PREFIX + "-rules", 0);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      List<RuleSet> all = new ArrayList<>();
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          assertThat(new String(record.key())).isEqualTo("rules");
          if (FraudJson.parseRuleSet(record.value()) instanceof ParseResult.Valid<RuleSet> v) {
            all.add(v.value());
          }
        }
      }
      return all;
    }
  }
}
