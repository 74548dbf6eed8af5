package io.fraudpipeline.producer.send;

import io.fraudpipeline.producer.generate.GeneratorSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Starts synthetic producer runs: the library entry point the control plane and the CLI call.
 *
 * <pre>{@code
 * RunSettings settings = RunSettings.builder()
 *     .bootstrapServers("localhost:9092").ratePerSecond(5000).count(1_000_000L)
 *     .fraudRatio(0.02).seed(42).build();
 * ProducerRun run = SyntheticProducer.start(settings, Map.of());
 * run.progress();                          // sent, acknowledged, failed, rate, state
 * run.stop();                              // optional: ends after flushing what is in flight
 * run.awaitCompletion(Duration.ofMinutes(5));
 * }</pre>
 *
 * <p>Each run owns one {@link KafkaProducer} and one daemon thread; records are keyed by account id
 * and written idempotently with {@code acks=all} and lz4 compression (see {@link #producerConfig}).
 */
public final class SyntheticProducer {

  private static final AtomicInteger RUN_NUMBERS = new AtomicInteger();

  private SyntheticProducer() {}

  /**
   * Starts a run on its own thread and returns at once.
   *
   * @param kafkaProperties extra producer properties (e.g. security settings, or a different {@code
   *     linger.ms}); they override the defaults of {@link #producerConfig}, except the serializers,
   *     which are fixed
   * @throws IllegalArgumentException when Kafka rejects the producer configuration
   */
  public static ProducerRun start(RunSettings settings, Map<String, ?> kafkaProperties) {
    int runNumber = RUN_NUMBERS.incrementAndGet();
    Map<String, Object> config = producerConfig(settings, kafkaProperties);
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "synthetic-producer-" + runNumber);
    Producer<String, byte[]> producer;
    try {
      producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    } catch (KafkaException e) {
      throw new IllegalArgumentException("cannot create the Kafka producer: " + rootMessage(e), e);
    }
    try {
      return start(settings, producer, true, Ticker.SYSTEM, Clock.systemUTC(), runNumber);
    } catch (RuntimeException | Error e) {
      producer.close(Duration.ZERO);
      throw e;
    }
  }

  /**
   * The producer configuration a run uses: the defaults below, then {@code overrides} on top.
   *
   * <ul>
   *   <li>{@code bootstrap.servers}: from the settings
   *   <li>{@code acks=all}, {@code enable.idempotence=true}: no loss, no duplicates on retry
   *   <li>{@code compression.type=lz4}
   *   <li>{@code linger.ms=5}, {@code batch.size=65536}: full batches at high rates, little delay
   *       at low ones
   * </ul>
   */
  public static Map<String, Object> producerConfig(RunSettings settings, Map<String, ?> overrides) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 65_536);
    config.putAll(overrides);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
    config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
    return config;
  }

  /**
   * Starts a run with a given producer, ticker and wall clock (the clock only resolves a missing
   * start time). For tests of the loop's logic.
   */
  static ProducerRun start(
      RunSettings settings,
      Producer<String, byte[]> producer,
      boolean ownsProducer,
      Ticker ticker,
      Clock wallClock,
      int runNumber) {
    SendLoop loop = newLoop(settings, producer, ownsProducer, ticker, wallClock);
    loop.startThread("synthetic-producer-" + runNumber);
    return loop;
  }

  static SendLoop newLoop(
      RunSettings settings,
      Producer<String, byte[]> producer,
      boolean ownsProducer,
      Ticker ticker,
      Clock wallClock) {
    GeneratorSettings generator =
        settings.generator().startingAt(Instant.ofEpochMilli(wallClock.millis()));
    return new SendLoop(settings, generator, producer, ownsProducer, ticker);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
