package io.fraudpipeline.producer.send;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Lets records through at an exact average rate: a token bucket (Bucket4j) that refills
 * continuously at the target rate. Its capacity is 10 ms worth of tokens, so a late wake-up of the
 * sending thread is made up for at once, while no burst exceeds 10 ms of traffic.
 */
final class Pacer {

  /** Longest single sleep, so a stop request is noticed promptly even at 1 record/s. */
  static final long MAX_SLEEP_NANOS = Duration.ofMillis(50).toNanos();

  private final Bucket bucket;
  private final Ticker ticker;

  private Pacer(Bucket bucket, Ticker ticker) {
    this.bucket = bucket;
    this.ticker = ticker;
  }

  /** A pacer that never waits. */
  static Pacer unlimited() {
    return new Pacer(null, null);
  }

  /** A pacer for {@code ratePerSecond} records per second, starting with one token. */
  static Pacer perSecond(long ratePerSecond, Ticker ticker) {
    long capacity = Math.max(1, ratePerSecond / 4);
    TimeMeter time =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return ticker.nanoTime();
          }

          @Override
          public boolean isWallClockBased() {
            return false;
          }
        };
    Bucket bucket =
        Bucket.builder()
            .addLimit(
                limit ->
                    limit
                        .capacity(capacity)
                        .refillGreedy(ratePerSecond, Duration.ofSeconds(1))
                        .initialTokens(1))
            .withCustomTimePrecision(time)
            // Only the run's own thread takes tokens.
            .withSynchronizationStrategy(SynchronizationStrategy.NONE)
            .build();
    return new Pacer(bucket, ticker);
  }

  /**
   * Waits until the next record may be sent.
   *
   * @param giveUp checked between sleeps; when it turns true the wait ends without a permit
   * @return true with a permit, false when {@code giveUp} ended the wait
   */
  boolean awaitPermit(BooleanSupplier giveUp) throws InterruptedException {
    if (bucket == null) {
      return true;
    }
    while (true) {
      ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
      if (probe.isConsumed()) {
        return true;
      }
      if (giveUp.getAsBoolean()) {
        return false;
      }
      ticker.sleep(Math.min(probe.getNanosToWaitForRefill(), MAX_SLEEP_NANOS));
    }
  }
}
