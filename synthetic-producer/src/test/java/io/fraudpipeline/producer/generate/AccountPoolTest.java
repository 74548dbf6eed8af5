package io.fraudpipeline.producer.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AccountPoolTest {

  @Test
  void namesEveryAccountAcctAndItsIndexInSevenDigits() {
    AccountPool pool = new AccountPool(2_000_000, new SplittableRandom(1));

    String first = pool.id(0);
    String some = pool.id(23_403);
    String last = pool.id(1_999_999);

    // Earlier ids stay what they were when later ones are written.
    assertThat(first).isEqualTo("acct-0000000");
    assertThat(some).isEqualTo("acct-0023403");
    assertThat(last).isEqualTo("acct-1999999");
    assertThat(pool.id(23_403)).isEqualTo(some);
  }
}
