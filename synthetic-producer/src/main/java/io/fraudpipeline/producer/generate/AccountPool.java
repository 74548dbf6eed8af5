package io.fraudpipeline.producer.generate;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The accounts a run draws from, each with a home country drawn up front.
 *
 * <p>An account's id ({@code acct-} and seven digits) is written afresh each time it is asked for
 * rather than kept: transactions pick accounts at random from a pool of up to millions, so a kept
 * id is rarely in the CPU's caches, and reading it (the array slot, the string, its bytes) cost the
 * generator more than writing twelve bytes does. Not thread-safe, like the generator that owns it.
 */
final class AccountPool {

  private static final int ID_DIGITS = 7;
  private static final Country[] COUNTRIES = Country.values();

  private final byte[] homeCountry;
  private final byte[] idScratch = "acct-0000000".getBytes(StandardCharsets.ISO_8859_1);

  AccountPool(int size, SplittableRandom random) {
    homeCountry = new byte[size];
    int totalWeight = 0;
    for (Country country : COUNTRIES) {
      totalWeight += country.weight();
    }
    for (int i = 0; i < size; i++) {
      homeCountry[i] = (byte) weightedCountry(random.nextInt(totalWeight)).ordinal();
    }
  }

  int size() {
    return homeCountry.length;
  }

  String id(int account) {
    int value = account;
    for (int pos = idScratch.length - 1; pos >= idScratch.length - ID_DIGITS; pos--) {
      idScratch[pos] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return new String(idScratch, StandardCharsets.ISO_8859_1);
  }

  Country homeCountry(int account) {
    return COUNTRIES[homeCountry[account]];
  }

  private static Country weightedCountry(int ticket) {
    int remaining = ticket;
    for (Country country : COUNTRIES) {
      remaining -= country.weight();
      if (remaining < 0) {
        return country;
      }
    }
    throw new IllegalStateException("ticket beyond the total weight: " + ticket);
  }
}
