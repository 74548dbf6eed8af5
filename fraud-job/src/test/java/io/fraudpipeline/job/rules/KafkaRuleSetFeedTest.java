package io.fraudpipeline.job.rules;

import static io.fraudpipeline.job.rules.RuleSets.json;
import static io.fraudpipeline.job.rules.RuleSets.threshold;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.job.FraudJobParameters;
import io.fraudpipeline.job.support.KafkaTestClient;
import io.fraudpipeline.job.support.SharedKafka;
import io.fraudpipeline.job.support.TestTopics;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.model.RuleSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The feed against a real KRaft broker. */
class KafkaRuleSetFeedTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Collects what a follower delivers, as versions. */
  private static final class Versions implements RuleSetFeed.Listener {
    final List<Long> delivered = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void ruleSet(byte[] json) {
      threads.add(Thread.currentThread().getName());
      delivered.add(
          FraudJson.parseRuleSet(json) instanceof ParseResult.Valid<RuleSet> valid
              ? valid.value().version()
              : -1L);
    }

    @Override
    public void failed(Throwable error) {
      failures.add(error);
    }
  }

  @Test
  void deliversThePublishedRuleSetsAndThenEveryNewOne() throws Exception {
    TestTopics t = TestTopics.create(SharedKafka.broker(), "feed-replay", 1);
    KafkaTestClient client = SharedKafka.client();
    client.publishRules(t.rules(), threshold(1, "100"));
    client.publishRules(t.rules(), KafkaTestClient.utf8("not json"));
    client.send(t.rules(), "other-key", json(threshold(99, "1")));

    Versions listener = new Versions();
    try (AutoCloseable following =
        new KafkaRuleSetFeed(t.params()).follow("rules feed (test)", listener)) {
      await().atMost(WAIT).until(() -> listener.delivered.equals(List.of(1L, -1L)));

      client.publishRules(t.rules(), threshold(2, "200"));
      await().atMost(WAIT).until(() -> listener.delivered.equals(List.of(1L, -1L, 2L)));
    }
    assertThat(listener.failures).isEmpty();
    assertThat(listener.threads).containsOnly("rules feed (test)");
  }

  @Test
  void waitsForARulesTopicThatDoesNotExistYet() throws Exception {
    TestTopics t = TestTopics.create(SharedKafka.broker(), "feed-late", 1);
    FraudJobParameters params = t.params("--rules-topic", "feed-late-rules-created-later");
    Versions listener = new Versions();
    try (AutoCloseable following = new KafkaRuleSetFeed(params).follow("late", listener)) {
      Thread.sleep(1_000);
      SharedKafka.broker().createTopic(params.rulesTopic(), 1, Map.of("cleanup.policy", "compact"));
      SharedKafka.client().publishRules(params.rulesTopic(), threshold(4, "400"));
      await().atMost(WAIT).until(() -> listener.delivered.equals(List.of(4L)));
    }
    assertThat(listener.failures).isEmpty();
  }

  @Test
  void stopsItsThreadWhenClosed() throws Exception {
    TestTopics t = TestTopics.create(SharedKafka.broker(), "feed-close", 1);
    Versions listener = new Versions();
    AutoCloseable following = new KafkaRuleSetFeed(t.params()).follow("feed-close", listener);
    await()
        .atMost(WAIT)
        .until(() -> Thread.getAllStackTraces().keySet().stream().anyMatch(this::isFollower));

    following.close();

    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(this::isFollower);
    assertThat(listener.failures).isEmpty();
  }

  private boolean isFollower(Thread thread) {
    return thread.getName().equals("feed-close") && thread.isAlive();
  }
}
