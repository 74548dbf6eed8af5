package io.fraudpipeline.producer.generate;

import java.util.SplittableRandom;

/** The accounts a run draws from, each with a home country; ids built once, up front. */
final class AccountPool {

  private static final int ID_DIGITS = 7;
  private static final Country[] COUNTRIES = Country.values();

  private final String[] ids;
  private final byte[] homeCountry;

  AccountPool(int size, SplittableRandom random) {
    ids = new String[size];
    homeCountry = new byte[size];
    int totalWeight = 0;
    for (Country country : COUNTRIES) {
      totalWeight += country.weight();
    }
    char[] buffer = "acct-0000000".toCharArray();
    for (int i = 0; i < size; i++) {
      ids[i] = idOf(i, buffer);
      homeCountry[i] = (byte) weightedCountry(random.nextInt(totalWeight)).ordinal();
    }
  }

  int size() {
    return ids.length;
  }

  String id(int account) {
    return ids[account];
  }

  Country homeCountry(int account) {
    return COUNTRIES[homeCountry[account]];
  }

  private static String idOf(int index, char[] buffer) {
    int value = index;
    for (int pos = buffer.length - 1; pos >= buffer.length - ID_DIGITS; pos--) {
      buffer[pos] = (char) ('0' + value % 10);
      value /= 10;
    }
    return new String(buffer);
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
