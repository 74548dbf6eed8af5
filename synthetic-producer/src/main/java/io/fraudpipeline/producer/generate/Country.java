package io.fraudpipeline.producer.generate;

/**
 * Countries accounts live in, with their currency and a weight for how many accounts live there.
 * Currencies are of similar unit value, so one amount threshold makes sense for all of them.
 */
enum Country {
  US("USD", 34),
  CA("CAD", 6),
  GB("GBP", 12),
  IE("EUR", 2),
  DE("EUR", 10),
  FR("EUR", 8),
  ES("EUR", 5),
  IT("EUR", 5),
  NL("EUR", 4),
  CH("CHF", 3),
  AU("AUD", 5),
  NZ("NZD", 2),
  SG("SGD", 4);

  private final String currency;
  private final int weight;

  Country(String currency, int weight) {
    this.currency = currency;
    this.weight = weight;
  }

  /** The ISO 3166 alpha-2 code, as on the wire. */
  String code() {
    return name();
  }

  /** The ISO 4217 currency of accounts held here. */
  String currency() {
    return currency;
  }

  int weight() {
    return weight;
  }
}
