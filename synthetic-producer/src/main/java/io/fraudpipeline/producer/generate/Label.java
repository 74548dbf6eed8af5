package io.fraudpipeline.producer.generate;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a generated record was made to be: legitimate traffic, an injected fraud pattern, or one
 * kind of malformed input. Tests hold the pipeline's output against these labels: a {@link
 * Kind#FRAUD} record should raise an alert, a {@link Kind#MALFORMED} one should land in the DLQ,
 * and a {@link Kind#LEGIT} one should do neither.
 */
public enum Label {
  /** Normal traffic: amount below the threshold, account within the velocity limit. */
  LEGIT(Kind.LEGIT),

  /** Fraud: amount strictly above the amount threshold. */
  HIGH_AMOUNT(Kind.FRAUD),

  /**
   * Fraud: one of a burst of consecutive transactions of one account, more than the velocity limit
   * allows within its window. Amounts stay below the threshold.
   */
  VELOCITY_BURST(Kind.FRAUD),

  /**
   * Fraud: one of a burst of one account paying a different merchant each time (legit amounts),
   * what a {@code count_distinct(merchant)} rule catches. Also a velocity burst.
   */
  MERCHANT_SPREE(Kind.FRAUD),

  /**
   * Fraud: one of a burst of one account paying one merchant amounts each under the amount
   * threshold that together exceed it by half, what a {@code sum(amount)} rule catches. Also a
   * velocity burst.
   */
  SPLIT_PAYMENTS(Kind.FRAUD),

  /** Malformed: a transaction's JSON cut off midway. */
  NOT_JSON(Kind.MALFORMED),
  /** Malformed: a zero-length value. */
  EMPTY(Kind.MALFORMED),
  /** Malformed: valid JSON, but an array instead of an object. */
  NOT_AN_OBJECT(Kind.MALFORMED),
  /** Malformed: {@code amount} written as a JSON string. */
  WRONG_TYPES(Kind.MALFORMED),
  /** Malformed: no {@code transaction_id}. */
  MISSING_TRANSACTION_ID(Kind.MALFORMED),
  /** Malformed: {@code transaction_id} of blanks only. */
  BLANK_TRANSACTION_ID(Kind.MALFORMED),
  /** Malformed: no {@code amount}. */
  MISSING_AMOUNT(Kind.MALFORMED),
  /** Malformed: {@code amount} is 0. */
  ZERO_AMOUNT(Kind.MALFORMED),
  /** Malformed: {@code amount} below 0. */
  NEGATIVE_AMOUNT(Kind.MALFORMED),
  /** Malformed: {@code amount} above {@code FraudJson.MAX_AMOUNT}. */
  ABSURD_AMOUNT(Kind.MALFORMED),
  /** Malformed: bytes that are not valid UTF-8 inside a string value. */
  INVALID_UTF8(Kind.MALFORMED),
  /** Malformed: a value larger than {@code FraudJson.MAX_TRANSACTION_BYTES}. */
  OVERSIZED(Kind.MALFORMED);

  /** The three kinds of record a run mixes. */
  public enum Kind {
    LEGIT,
    FRAUD,
    MALFORMED
  }

  private static final List<Label> MALFORMED_KINDS =
      Arrays.stream(values()).filter(Label::isMalformed).toList();

  private final Kind kind;
  private final String displayName;

  Label(Kind kind) {
    this.kind = kind;
    this.displayName = name().toLowerCase(Locale.ROOT);
  }

  public Kind kind() {
    return kind;
  }

  public boolean isFraud() {
    return kind == Kind.FRAUD;
  }

  public boolean isMalformed() {
    return kind == Kind.MALFORMED;
  }

  /** Lower-case name, as used in summaries and docs (e.g. {@code velocity_burst}). */
  public String displayName() {
    return displayName;
  }

  /** Every malformed kind, in declaration order. */
  public static List<Label> malformedKinds() {
    return MALFORMED_KINDS;
  }
}
