package io.fraudpipeline.control.producer;

import io.fraudpipeline.producer.generate.Label;
import io.fraudpipeline.producer.send.RunProgress;
import io.fraudpipeline.producer.send.RunSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A producer run and its progress.
 *
 * @param id the run's id
 * @param state RUNNING, STOPPING, COMPLETED, STOPPED or FAILED
 * @param createdAt when it was started
 * @param topic the topic it writes
 * @param ratePerSecond its target rate
 * @param count its record bound, if any
 * @param duration its time bound, if any
 * @param fraudRatio share of injected fraud
 * @param malformedRatio share of malformed records
 * @param seed the generator's seed
 * @param accounts the account pool's size
 * @param patternShare share of the velocity bursts made as merchant sprees or split payments
 * @param startTime event time of its first record: with the seed, reproduces the run's records
 * @param sent records handed to Kafka
 * @param acknowledged records the broker acknowledged (acks=all)
 * @param failed records Kafka reported failed
 * @param inFlight sent, neither acknowledged nor failed yet
 * @param currentRate acknowledged records per second over the last second or so
 * @param averageRate acknowledged records per second over the whole run
 * @param elapsed time since it started, frozen when it ended
 * @param lastError the latest failure
 * @param sentByLabel records sent per generator label: {@code legit}, the fraud patterns {@code
 *     high_amount}, {@code velocity_burst}, {@code merchant_spree}, {@code split_payments}, and one
 *     label per kind of malformed record (docs/producer.md)
 */
public record ProducerRunView(
    String id,
    String state,
    Instant createdAt,
    String topic,
    long ratePerSecond,
    Long count,
    Duration duration,
    double fraudRatio,
    double malformedRatio,
    long seed,
    int accounts,
    double patternShare,
    Instant startTime,
    long sent,
    long acknowledged,
    long failed,
    long inFlight,
    double currentRate,
    double averageRate,
    Duration elapsed,
    String lastError,
    Map<String, Long> sentByLabel) {

  static ProducerRunView of(ManagedRun managed) {
    RunSettings settings = managed.run().settings();
    RunProgress progress = managed.run().progress();
    Map<String, Long> byLabel = new TreeMap<>();
    for (Map.Entry<Label, Long> e : progress.sentByLabel().entrySet()) {
      byLabel.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
    }
    return new ProducerRunView(
        managed.id(),
        progress.state().name(),
        managed.createdAt(),
        settings.topic(),
        settings.ratePerSecond(),
        settings.count(),
        settings.duration(),
        settings.generator().fraudRatio(),
        settings.generator().malformedRatio(),
        settings.generator().seed(),
        settings.generator().accounts(),
        settings.generator().patternShare(),
        managed.run().generatorSettings().startTime(),
        progress.sent(),
        progress.acknowledged(),
        progress.failed(),
        progress.inFlight(),
        progress.currentRate(),
        progress.averageRate(),
        progress.elapsed(),
        progress.lastError(),
        byLabel);
  }
}
