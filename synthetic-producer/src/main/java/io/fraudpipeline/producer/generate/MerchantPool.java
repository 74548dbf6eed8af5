package io.fraudpipeline.producer.generate;

import java.util.SplittableRandom;

/**
 * The merchants a run draws from, each with a category and a name, built once, up front. Some
 * merchants are much busier than others, as in real card traffic.
 */
final class MerchantPool {

  private static final MerchantCategory[] CATEGORIES = MerchantCategory.values();
  private static final String[] FIRST_WORDS = {
    "Blue",
    "Golden",
    "Green",
    "Silver",
    "Red",
    "North",
    "South",
    "Sunny",
    "Urban",
    "Royal",
    "Happy",
    "Bright",
    "Grand",
    "Little",
    "Old Town",
    "Riverside",
    "Harbor",
    "Maple",
    "Cedar",
    "Summit",
    "Coastal",
    "Metro",
    "Prime",
    "Lucky",
    "Swift",
    "Crystal",
    "Orchard",
    "Highland",
    "Central",
    "Liberty"
  };
  private static final String[] SECOND_WORDS = {
    "Oak", "Star", "Lane", "Bay", "Peak", "Bridge", "Square", "Hill", "Park", "Point", "Field",
    "Stone", "River", "Valley", "Corner", "Crown", "Arrow", "Lake", "Harvest", "Wave"
  };

  private final String[] names;
  private final byte[] category;

  MerchantPool(int size, SplittableRandom random) {
    names = new String[size];
    category = new byte[size];
    for (int i = 0; i < size; i++) {
      MerchantCategory cat = CATEGORIES[random.nextInt(CATEGORIES.length)];
      String[] suffixes = cat.nameSuffixes();
      names[i] =
          FIRST_WORDS[random.nextInt(FIRST_WORDS.length)]
              + ' '
              + SECOND_WORDS[random.nextInt(SECOND_WORDS.length)]
              + ' '
              + suffixes[random.nextInt(suffixes.length)];
      category[i] = (byte) cat.ordinal();
    }
  }

  /** A merchant index, low indexes far more often (the square of a uniform draw). */
  int pick(SplittableRandom random) {
    double u = random.nextDouble();
    return (int) (u * u * names.length);
  }

  String name(int merchant) {
    return names[merchant];
  }

  MerchantCategory category(int merchant) {
    return CATEGORIES[category[merchant]];
  }
}
