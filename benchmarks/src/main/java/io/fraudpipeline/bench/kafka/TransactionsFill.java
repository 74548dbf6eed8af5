package io.fraudpipeline.bench.kafka;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.model.RuleSet;
import io.fraudpipeline.model.Transaction;
import io.fraudpipeline.producer.generate.GeneratedRecord;
import io.fraudpipeline.producer.generate.GeneratorSettings;
import io.fraudpipeline.producer.generate.TransactionGenerator;
import io.fraudpipeline.producer.send.ProducerRun;
import io.fraudpipeline.producer.send.RunProgress;
import io.fraudpipeline.producer.send.RunSettings;
import io.fraudpipeline.producer.send.SyntheticProducer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Pre-fills a transactions topic with the synthetic producer (at full speed), then appends one
 * sentinel transaction per partition that always raises an alert: a pipeline has processed and
 * committed every record once the sentinels' alerts are visible and the alert count is complete.
 *
 * @param topic the filled topic
 * @param records generated records written (sentinels not included)
 * @param averageValueBytes mean size of a record value
 * @param expectedAlertIds every alert the amount rule must raise over the topic, sentinels included
 * @param sentinelAlertIds the sentinels' alert ids
 * @param fillRate records per second the synthetic producer reached while filling
 */
public record TransactionsFill(
    String topic,
    long records,
    double averageValueBytes,
    Set<String> expectedAlertIds,
    Set<String> sentinelAlertIds,
    double fillRate) {

  /** How fast the generated transactions' event time advances. */
  public static final long EVENTS_PER_SECOND = 1000;

  /** The rules a fresh job applies; the fill's expected alerts are judged by them. */
  public static final RuleSet RULES = RuleSet.DEFAULT;

  public TransactionsFill {
    expectedAlertIds = Set.copyOf(expectedAlertIds);
    sentinelAlertIds = Set.copyOf(sentinelAlertIds);
  }

  /**
   * Writes {@code records} generated transactions (seeded, default mix: 1 % fraud, no malformed
   * records) to {@code topic}, which must exist with {@code partitions} partitions.
   */
  public static TransactionsFill fill(
      String bootstrapServers, String topic, int partitions, long records, long seed)
      throws InterruptedException {
    RunSettings settings =
        RunSettings.builder()
            .bootstrapServers(bootstrapServers)
            .topic(topic)
            .ratePerSecond(0)
            .count(records)
            // Event time ends about now instead of starting now: the job sends a transaction
            // more than its --max-future-skew (1 h) ahead of its Kafka record's time to the DLQ,
            // and at this rate a fill past 3.6 million records would reach that far ahead.
            .generator(
                g ->
                    g.seed(seed)
                        .eventsPerSecond(EVENTS_PER_SECOND)
                        .startTime(Instant.now().minusMillis(records * 1000 / EVENTS_PER_SECOND)))
            .build();
    ProducerRun run = SyntheticProducer.start(settings, Map.of());
    if (!run.awaitCompletion(Duration.ofMinutes(30))) {
      run.stop();
      throw new IllegalStateException("filling " + topic + " took more than 30 minutes");
    }
    RunProgress done = run.progress();
    if (!done.allAcknowledged() || done.acknowledged() != records) {
      throw new IllegalStateException("filling " + topic + " failed: " + done);
    }

    // The ground truth, computed independently of any pipeline: the same records again, judged
    // by fraud-model's own amount rule.
    Set<String> expected = new HashSet<>();
    long valueBytes = 0;
    TransactionGenerator generator = new TransactionGenerator(run.generatorSettings());
    Instant now = Instant.now();
    for (long i = 0; i < records; i++) {
      GeneratedRecord record = generator.next();
      valueBytes += record.value().length;
      if (FraudJson.parseTransaction(record.value()) instanceof ParseResult.Valid<Transaction> v) {
        FraudAlert alert = FraudAlert.amountAlertOrNull(v.value(), RULES, now);
        if (alert != null) {
          expected.add(alert.alertId());
        }
      }
    }
    Set<String> sentinels = writeSentinels(bootstrapServers, topic, partitions);
    expected.addAll(sentinels);
    return new TransactionsFill(
        topic,
        records,
        records == 0 ? 0 : (double) valueBytes / records,
        expected,
        sentinels,
        done.averageRate());
  }

  /** The generator settings of a fill of this seed: for payload samples of the same records. */
  public static GeneratorSettings generatorSettings(long seed) {
    return RunSettings.builder()
        .bootstrapServers("unused:9092")
        .ratePerSecond(0)
        .generator(g -> g.seed(seed).startTime(Instant.parse("2025-01-01T00:00:00Z")))
        .build()
        .generator();
  }

  private static Set<String> writeSentinels(String bootstrapServers, String topic, int partitions)
      throws InterruptedException {
    Set<String> ids = new HashSet<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrapServers, "acks", "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int p = 0; p < partitions; p++) {
        Transaction sentinel =
            new Transaction(
                "sentinel-" + topic + "-" + p + "-" + System.nanoTime(),
                "sentinel-account",
                RULES.amountThreshold().multiply(BigDecimal.TEN),
                "USD",
                "benchmark sentinel",
                null,
                "US",
                Instant.now());
        producer
            .send(new ProducerRecord<>(topic, p, sentinel.accountId(), FraudJson.write(sentinel)))
            .get();
        ids.add(FraudAlert.amountAlertOrNull(sentinel, RULES, Instant.now()).alertId());
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write the sentinels to " + topic, e.getCause());
    }
    return ids;
  }
}
