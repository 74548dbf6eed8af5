package io.fraudpipeline.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

/**
 * The transaction fields a named rule can name (in {@code field}, {@code group_by}, {@code
 * filter}). {@code timestamp} is not one: it is the event time every window is measured in.
 */
public enum TransactionField {
  TRANSACTION_ID(false),
  ACCOUNT_ID(false),
  AMOUNT(true),
  CURRENCY(false),
  MERCHANT(false),
  MERCHANT_CATEGORY(false),
  COUNTRY(false);

  private final boolean numeric;

  TransactionField(boolean numeric) {
    this.numeric = numeric;
  }

  public boolean numeric() {
    return numeric;
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The field's value as text, the amount by value ({@link #amountText}); null when absent. Rules
   * compare, group and count distinct values by this text.
   */
  public String text(Transaction tx) {
    return switch (this) {
      case TRANSACTION_ID -> tx.transactionId();
      case ACCOUNT_ID -> tx.accountId();
      case AMOUNT -> amountText(tx.amount());
      case CURRENCY -> tx.currency();
      case MERCHANT -> tx.merchant();
      case MERCHANT_CATEGORY -> tx.merchantCategory();
      case COUNTRY -> tx.country();
    };
  }

  /**
   * An amount as text by value, in plain notation without trailing zeros: {@code 250}, {@code
   * 250.0} and {@code 250.00} are one amount to a rule's window (a producer writes the scale it
   * likes), and one group or distinct value. Null for null.
   */
  public static String amountText(BigDecimal amount) {
    return amount == null ? null : amount.stripTrailingZeros().toPlainString();
  }

  /** The field's numeric value; only {@link #AMOUNT} has one. */
  public BigDecimal number(Transaction tx) {
    return this == AMOUNT ? tx.amount() : null;
  }

  public static Optional<TransactionField> fromWire(String name) {
    for (TransactionField f : values()) {
      if (f.wireName().equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** The wire names, for error messages. */
  public static String wireNames() {
    StringBuilder names = new StringBuilder();
    for (TransactionField f : values()) {
      names.append(names.isEmpty() ? "" : ", ").append(f.wireName());
    }
    return names.toString();
  }
}
