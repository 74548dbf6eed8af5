package io.fraudpipeline.producer.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks accounts for non-burst transactions so that no account ever exceeds the velocity limit
 * outside an injected burst; otherwise legit traffic at a high rate would raise velocity alerts
 * that the labels do not predict.
 *
 * <p>Each account's non-burst transactions are at least {@code window / max + 1 ms} apart, so any
 * window holds at most {@code max} of them. After a burst, the account stays quiet for a whole
 * window, so no later transaction of it is judged together with the burst.
 */
final class VelocityGuard {

  private static final int RANDOM_TRIES = 64;

  private final long[] quietUntilMillis;
  private final long spacingMillis;
  private final long windowMillis;

  VelocityGuard(int accounts, long spacingMillis, long windowMillis) {
    this.quietUntilMillis = new long[accounts];
    Arrays.fill(quietUntilMillis, Long.MIN_VALUE);
    this.spacingMillis = spacingMillis;
    this.windowMillis = windowMillis;
  }

  /** An account free for a transaction at {@code nowMillis}, marked as used at that time. */
  int takeAccount(SplittableRandom random, long nowMillis) {
    int account = freeAccount(random, nowMillis);
    quietUntilMillis[account] = nowMillis + spacingMillis;
    return account;
  }

  /** Keeps an account out of use until a whole window after its burst ended. */
  void coolDownAfterBurst(int account, long burstEndMillis) {
    quietUntilMillis[account] = burstEndMillis + windowMillis + 1;
  }

  private int freeAccount(SplittableRandom random, long nowMillis) {
    int size = quietUntilMillis.length;
    for (int i = 0; i < RANDOM_TRIES; i++) {
      int account = random.nextInt(size);
      if (quietUntilMillis[account] <= nowMillis) {
        return account;
      }
    }
    // Settings keep at most half of the accounts busy, so this scan is all but never reached;
    // it makes the guarantee unconditional.
    int start = random.nextInt(size);
    for (int i = 0; i < size; i++) {
      int account = (start + i) % size;
      if (quietUntilMillis[account] <= nowMillis) {
        return account;
      }
    }
    throw new IllegalStateException(
        "every one of the "
            + size
            + " accounts is at its velocity limit; raise the number of accounts");
  }
}
