package io.fraudpipeline.control.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeaseTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(1_000 * SECOND);
  private final Lease lease = new Lease(Duration.ofSeconds(8), now::get);

  @Test
  void isNotHeldBeforeTheFirstRenewal() {
    assertThat(lease.isValid()).isFalse();
    assertThat(lease.remaining()).isZero();
  }

  @Test
  void holdsFromTheMomentItWasRenewedFromNotFromWhenTheRenewalArrived() {
    lease.renew(now.get() - 3 * SECOND);

    now.addAndGet(4 * SECOND);
    assertThat(lease.isValid()).isTrue();
    assertThat(lease.remaining()).isEqualTo(Duration.ofSeconds(1));

    now.addAndGet(SECOND);
    assertThat(lease.isValid()).isFalse();
  }

  @Test
  void aRenewalFromAnEarlierMomentNeverShortensIt() {
    lease.renew(now.get());
    lease.renew(now.get() - 5 * SECOND);

    now.addAndGet(7 * SECOND);
    assertThat(lease.isValid()).isTrue();
  }

  @Test
  void aRevokedLeaseStartsAfreshFromTheNextRenewal() {
    lease.renew(now.get());
    lease.revoke();
    assertThat(lease.isValid()).isFalse();

    lease.renew(now.get() - 7 * SECOND);
    now.addAndGet(2 * SECOND);
    assertThat(lease.isValid()).as("not the earlier, longer deadline").isFalse();
  }

  @Test
  void refusesALeaseWithoutValidity() {
    assertThatThrownBy(() -> new Lease(Duration.ZERO, now::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
