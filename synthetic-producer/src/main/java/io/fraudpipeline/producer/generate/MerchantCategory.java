package io.fraudpipeline.producer.generate;

/**
 * Merchant categories with the amount distribution of their legit transactions: log-normal, so most
 * amounts are small and a few are large (a long right tail).
 */
enum MerchantCategory {
  GROCERY("grocery", 42, 0.65, "Market", "Grocers", "Foods"),
  RESTAURANTS("restaurants", 38, 0.6, "Bistro", "Kitchen", "Grill"),
  FUEL("fuel", 55, 0.35, "Fuel", "Petrol", "Gas Station"),
  ELECTRONICS("electronics", 180, 1.0, "Electronics", "Tech", "Digital"),
  TRAVEL("travel", 320, 0.95, "Travel", "Airways", "Hotels"),
  FASHION("fashion", 75, 0.8, "Boutique", "Apparel", "Outfitters"),
  ENTERTAINMENT("entertainment", 28, 0.7, "Cinema", "Games", "Tickets"),
  HEALTH("health", 60, 0.85, "Pharmacy", "Clinic", "Health"),
  HOME_GARDEN("home_garden", 95, 0.9, "Home", "Garden Centre", "Hardware"),
  ONLINE_SERVICES("online_services", 16, 0.9, "Online", "Cloud", "Streaming"),
  JEWELRY("jewelry", 420, 1.05, "Jewellers", "Gems", "Gold");

  private final String wireName;
  private final double mu;
  private final double sigma;
  private final String[] nameSuffixes;

  /**
   * @param medianAmount the median legit amount; the log-normal's {@code mu} is its logarithm
   * @param sigma spread of the amount's logarithm: larger means a longer tail
   */
  MerchantCategory(String wireName, double medianAmount, double sigma, String... nameSuffixes) {
    this.wireName = wireName;
    this.mu = StrictMath.log(medianAmount);
    this.sigma = sigma;
    this.nameSuffixes = nameSuffixes;
  }

  /** The {@code merchant_category} value on the wire. */
  String wireName() {
    return wireName;
  }

  /** A log-normal amount in whole units for a standard normal draw {@code z}. */
  double amountFor(double z) {
    return StrictMath.exp(mu + sigma * z);
  }

  String[] nameSuffixes() {
    return nameSuffixes;
  }
}
