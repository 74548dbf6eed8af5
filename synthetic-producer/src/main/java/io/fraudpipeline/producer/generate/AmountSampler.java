package io.fraudpipeline.producer.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;

/**
 * Draws amounts in cents. Uses {@link StrictMath} so that the same seed gives the same amounts on
 * every JVM and CPU. Not thread-safe: one sampler per generator (it keeps a spare normal draw).
 */
final class AmountSampler {

  private static final int LEGIT_TRIES = 8;
  private static final double LN_10 = StrictMath.log(10);

  /** Legit amounts stay strictly below the threshold. */
  private final long maxLegitCents;

  /** High amounts are strictly above the threshold. */
  private final long minHighCents;

  /** ... and strictly below ten times it. */
  private final long maxHighCents;

  /** The second normal draw of the last Box-Muller pair, used by the next draw. */
  private double spareNormal;

  private boolean hasSpare;

  AmountSampler(BigDecimal threshold) {
    BigDecimal thresholdCents = threshold.movePointRight(2);
    this.maxLegitCents = thresholdCents.setScale(0, RoundingMode.CEILING).longValueExact() - 1;
    this.minHighCents = thresholdCents.setScale(0, RoundingMode.FLOOR).longValueExact() + 1;
    this.maxHighCents =
        Math.max(
            minHighCents,
            thresholdCents
                    .multiply(BigDecimal.TEN)
                    .setScale(0, RoundingMode.CEILING)
                    .longValueExact()
                - 1);
  }

  /** A legit amount for the category: log-normal, redrawn when it reaches the threshold. */
  BigDecimal legit(MerchantCategory category, SplittableRandom random) {
    for (int i = 0; i < LEGIT_TRIES; i++) {
      long cents = Math.round(category.amountFor(standardNormal(random)) * 100);
      if (cents >= 1 && cents <= maxLegitCents) {
        return BigDecimal.valueOf(cents, 2);
      }
    }
    // Only a threshold far below the category's usual amounts gets here.
    return BigDecimal.valueOf(1 + random.nextLong(maxLegitCents), 2);
  }

  /** A fraudulent amount: from just above the threshold up to ten times it, log-uniform. */
  BigDecimal high(SplittableRandom random) {
    double factor = StrictMath.exp(random.nextDouble() * LN_10);
    // minHighCents is a cent above the threshold, so ten times it can pass ten times the threshold.
    return BigDecimal.valueOf(Math.min((long) (minHighCents * factor), maxHighCents), 2);
  }

  /**
   * Box-Muller: two independent standard normal draws from two uniform ones; the second is kept for
   * the next call, which halves the (costly, strict) logarithms and roots per amount.
   */
  private double standardNormal(SplittableRandom random) {
    if (hasSpare) {
      hasSpare = false;
      return spareNormal;
    }
    double u1 = 1.0 - random.nextDouble(); // (0, 1]: log(0) would be infinite
    double u2 = random.nextDouble();
    double radius = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
    double angle = 2.0 * StrictMath.PI * u2;
    spareNormal = radius * StrictMath.sin(angle);
    hasSpare = true;
    return radius * StrictMath.cos(angle);
  }
}
