package io.fraudpipeline.producer.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.producer.generate.GeneratedRecord;
import io.fraudpipeline.producer.generate.Label;
import io.fraudpipeline.producer.generate.TransactionGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The send loop's own logic (pacing, bounds, counting, stop, failure) against Kafka's {@link
 * MockProducer} and a simulated clock. The real broker is exercised in {@code
 * SyntheticProducerKafkaTest}.
 */
class SendLoopTest {

  private static final Clock FIXED =
      Clock.fixed(Instant.parse("2025-05-05T10:00:00Z"), ZoneOffset.UTC);

  private static RunSettings.Builder settings() {
    return RunSettings.builder()
        .bootstrapServers("unused:9092")
        .generator(g -> g.seed(5).fraudRatio(0.05));
  }

  /** Records the simulated time of every send. */
  private static final class TimedMockProducer extends MockProducer<String, byte[]> {
    final List<Long> sendTimes = new ArrayList<>();
    private final Ticker ticker;

    TimedMockProducer(boolean autoComplete, Ticker ticker) {
      super(autoComplete, null, new StringSerializer(), new ByteArraySerializer());
      this.ticker = ticker;
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<String, byte[]> record, Callback callback) {
      sendTimes.add(ticker.nanoTime());
      return super.send(record, callback);
    }
  }

  @Test
  void pacesADurationBoundedRunToTheTargetRateOnASimulatedClock() {
    SimulatedTicker ticker = new SimulatedTicker();
    TimedMockProducer producer = new TimedMockProducer(true, ticker);
    RunSettings run = settings().ratePerSecond(2_000).duration(Duration.ofSeconds(30)).build();
    SendLoop loop = SyntheticProducer.newLoop(run, producer, true, ticker, FIXED);
    long start = ticker.nanoTime();

    loop.sendAll();

    RunProgress progress = loop.progress();
    assertThat(progress.state()).isEqualTo(RunState.COMPLETED);
    assertThat(progress.sent()).isBetween(60_000L, 60_001L);
    assertThat(progress.acknowledged()).isEqualTo(progress.sent());
    assertThat(progress.elapsed()).isEqualTo(Duration.ofSeconds(30));
    long[] perHundredMillis = new long[300];
    for (long at : producer.sendTimes) {
      perHundredMillis[(int) ((at - start) / TimeUnit.MILLISECONDS.toNanos(100))]++;
    }
    for (int slot = 1; slot < 300; slot++) {
      assertThat(perHundredMillis[slot]).as("100 ms slot %d", slot).isBetween(199L, 201L);
    }
    assertThat(producer.closed()).isTrue();
  }

  @Test
  void aDurationBeyondWhatNanosecondsHoldNeverEndsTheRunInsteadOfFailingIt() {
    SimulatedTicker ticker = new SimulatedTicker();
    TimedMockProducer producer = new TimedMockProducer(true, ticker);
    RunSettings run =
        settings().ratePerSecond(0).count(100L).duration(Duration.ofDays(1_000_000)).build();
    SendLoop loop = SyntheticProducer.newLoop(run, producer, true, ticker, FIXED);

    loop.sendAll();

    assertThat(loop.progress().state()).isEqualTo(RunState.COMPLETED);
    assertThat(loop.progress().sent()).isEqualTo(100);
  }

  @Test
  void sendsExactlyTheGeneratorsRecordsKeyedByAccountForACountBoundedRun() {
    SimulatedTicker ticker = new SimulatedTicker();
    TimedMockProducer producer = new TimedMockProducer(true, ticker);
    RunSettings run =
        settings()
            .ratePerSecond(0)
            .count(5_000L)
            .generator(g -> g.malformedRatio(0.05))
            .topic("tx-test")
            .build();
    SendLoop loop = SyntheticProducer.newLoop(run, producer, true, ticker, FIXED);

    loop.sendAll();

    RunProgress progress = loop.progress();
    assertThat(progress.state()).isEqualTo(RunState.COMPLETED);
    assertThat(progress.allAcknowledged()).isTrue();
    assertThat(progress.sent()).isEqualTo(5_000);
    assertThat(progress.sentByLabel().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(5_000);
    assertThat(loop.generatorSettings().startTime()).isEqualTo(FIXED.instant());

    TransactionGenerator expected = new TransactionGenerator(loop.generatorSettings());
    long malformed = 0;
    for (ProducerRecord<String, byte[]> sent : producer.history()) {
      GeneratedRecord record = expected.next();
      assertThat(sent.topic()).isEqualTo("tx-test");
      assertThat(sent.key()).isEqualTo(record.key());
      assertThat(sent.value()).isEqualTo(record.value());
      malformed += record.label().isMalformed() ? 1 : 0;
    }
    assertThat(malformed)
        .isEqualTo(
            progress.sentByLabel().entrySet().stream()
                .filter(e -> e.getKey().isMalformed())
                .mapToLong(e -> e.getValue())
                .sum())
        .isPositive();
  }

  @Test
  void stopEndsTheRunOnlyAfterEveryRecordInFlightIsAcknowledged() throws Exception {
    SimulatedTicker ticker = new SimulatedTicker();
    TimedMockProducer producer = new TimedMockProducer(false, ticker);
    RunSettings run = settings().ratePerSecond(0).maxInFlight(50).build();
    ProducerRun handle = SyntheticProducer.start(run, producer, true, ticker, FIXED, 1);

    await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 50);
    RunProgress blocked = handle.progress();
    assertThat(blocked.state()).isEqualTo(RunState.RUNNING);
    assertThat(blocked.inFlight()).isEqualTo(50);

    handle.stop();
    assertThat(handle.progress().state()).isIn(RunState.STOPPING, RunState.STOPPED);
    assertThat(handle.awaitCompletion(Duration.ofSeconds(10))).isTrue();

    RunProgress done = handle.completion().get();
    assertThat(done.state()).isEqualTo(RunState.STOPPED);
    assertThat(done.sent()).isEqualTo(50);
    assertThat(done.acknowledged()).isEqualTo(50);
    assertThat(done.inFlight()).isZero();
    assertThat(done.allAcknowledged()).isTrue();
    assertThat(producer.flushed()).isTrue();
  }

  @Test
  void aFailedRecordEndsTheRunAsFailedAndIsCountedNotDropped() throws Exception {
    SimulatedTicker ticker = new SimulatedTicker();
    TimedMockProducer producer = new TimedMockProducer(false, ticker);
    RunSettings run = settings().ratePerSecond(0).count(1_000L).maxInFlight(20).build();
    ProducerRun handle = SyntheticProducer.start(run, producer, true, ticker, FIXED, 2);

    await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 20);
    producer.completeNext();
    producer.errorNext(new RecordTooLargeException("The message is 70000 bytes"));

    assertThat(handle.awaitCompletion(Duration.ofSeconds(10))).isTrue();
    RunProgress done = handle.progress();
    assertThat(done.state()).isEqualTo(RunState.FAILED);
    assertThat(done.failed()).isEqualTo(1);
    assertThat(done.acknowledged() + done.failed()).isEqualTo(done.sent());
    assertThat(done.sent()).isLessThan(1_000);
    assertThat(done.lastError()).isEqualTo("RecordTooLargeException: The message is 70000 bytes");
    assertThat(done.allAcknowledged()).isFalse();
  }

  @Test
  void anExceptionThrownBySendIsCountedAsAFailure() throws Exception {
    SimulatedTicker ticker = new SimulatedTicker();
    TimedMockProducer producer = new TimedMockProducer(true, ticker);
    producer.sendException = new IllegalStateException("producer closed");
    SendLoop loop =
        SyntheticProducer.newLoop(
            settings().ratePerSecond(0).count(10L).build(), producer, true, ticker, FIXED);

    loop.sendAll();

    RunProgress done = loop.progress();
    assertThat(done.state()).isEqualTo(RunState.FAILED);
    assertThat(done.sent()).isEqualTo(1);
    assertThat(done.failed()).isEqualTo(1);
    assertThat(done.lastError()).contains("producer closed");
  }

  @Test
  void reportsTheCurrentRateOverTheLastSecond() {
    SimulatedTicker ticker = new SimulatedTicker();
    TimedMockProducer producer = new TimedMockProducer(true, ticker);
    RunSettings run = settings().ratePerSecond(500).count(3_000L).build();
    SendLoop loop = SyntheticProducer.newLoop(run, producer, true, ticker, FIXED);
    loop.sendAll();
    // Finished runs report no current rate, but their average.
    RunProgress done = loop.progress();
    assertThat(done.currentRate()).isZero();
    assertThat(done.averageRate())
        .isCloseTo(500.0, org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(done.sent(Label.LEGIT)).isPositive();
  }
}
