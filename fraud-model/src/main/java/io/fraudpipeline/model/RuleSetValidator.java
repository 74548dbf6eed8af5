package io.fraudpipeline.model;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one definition of a valid rule set, in two modes. {@link #forWriting()}: the control plane
 * refuses to publish a rule set that fails it. {@link #forReading()}: the job, and the control
 * plane reading the rules topic back, ignore a stored rule set that fails it and keep the one they
 * have.
 *
 * <p>Reading skips only the checks later releases added or made stricter that a stored rule set may
 * fail without harm to the job: whether a named rule is of use (a comparison that holds for every
 * transaction or for none, a {@code count} given a field), ids that differ only by {@code -} and
 * {@code _} (their metrics would be one series) and control characters in a rule's or category's
 * name. A rule set stored by an earlier release that fails one of them stays the rules in force
 * (the job applies it, the API shows it) instead of silently giving way to an older version. The
 * job evaluates such a rule as it always did: one that holds for none never alerts, one that holds
 * for all alerts on every transaction it takes. Every check that keeps the job's reading and
 * evaluation safe (types, limits, windows, filters, unique ids, sizes) applies in both modes.
 */
public final class RuleSetValidator {

  private static final RuleSetValidator WRITING = new RuleSetValidator(true);
  private static final RuleSetValidator READING = new RuleSetValidator(false);

  /** Whether the checks for writing only apply ({@link NamedRuleValidator}). */
  private final boolean writing;

  private RuleSetValidator(boolean writing) {
    this.writing = writing;
  }

  /** For a rule set about to be published: an API PUT or PATCH, a backtest's candidates. */
  public static RuleSetValidator forWriting() {
    return WRITING;
  }

  /** For a rule set already published: read from the rules topic or from the job's state. */
  public static RuleSetValidator forReading() {
    return READING;
  }

  /** Every problem with the rule set; empty when it is valid. */
  public List<FieldError> validate(RuleSet rules) {
    List<FieldError> errors = new ArrayList<>();
    if (rules.version() < 0) {
      errors.add(new FieldError("version", "must be 0 or greater"));
    }
    checkThreshold("amount_threshold", rules.amountThreshold(), errors);
    if (rules.categoryThresholds().size() > RuleSet.MAX_CATEGORY_THRESHOLDS) {
      errors.add(
          new FieldError(
              "category_thresholds",
              "at most "
                  + RuleSet.MAX_CATEGORY_THRESHOLDS
                  + " categories are allowed, got "
                  + rules.categoryThresholds().size()));
    }
    for (Map.Entry<String, BigDecimal> e : rules.categoryThresholds().entrySet()) {
      String category = e.getKey();
      if (category == null || category.isBlank()) {
        errors.add(new FieldError("category_thresholds", "category names must not be blank"));
      } else if (characters(category) > RuleSet.MAX_CATEGORY_LENGTH) {
        errors.add(
            new FieldError(
                "category_thresholds",
                "category names must not be longer than "
                    + RuleSet.MAX_CATEGORY_LENGTH
                    + " characters, got "
                    + characters(category)));
      } else if (writing && firstControlCharacter(category) >= 0) {
        errors.add(
            new FieldError(
                "category_thresholds",
                "category names " + controlCharacterAt(category, firstControlCharacter(category))));
      } else {
        checkThreshold("category_thresholds." + category, e.getValue(), errors);
      }
    }
    VelocityRule velocity = rules.velocity();
    if (velocity.maxTransactions() < 1
        || velocity.maxTransactions() > VelocityRule.MAX_TRANSACTIONS_LIMIT) {
      errors.add(
          new FieldError(
              "velocity.max_transactions",
              "must be between 1 and " + VelocityRule.MAX_TRANSACTIONS_LIMIT));
    }
    if (velocity.windowSeconds() < 1
        || velocity.windowSeconds() > VelocityRule.MAX_WINDOW_SECONDS) {
      errors.add(
          new FieldError(
              "velocity.window_seconds",
              "must be between 1 and " + VelocityRule.MAX_WINDOW_SECONDS + " (one day)"));
    }
    NamedRuleValidator.validate(rules.rules(), writing, errors);
    return errors;
  }

  private static void checkThreshold(String field, BigDecimal value, List<FieldError> errors) {
    if (value == null) {
      errors.add(new FieldError(field, "is required"));
    } else if (value.signum() <= 0) {
      errors.add(new FieldError(field, "must be greater than 0"));
    } else if (value.compareTo(FraudJson.MAX_AMOUNT) > 0) {
      errors.add(new FieldError(field, "must not exceed " + FraudJson.MAX_AMOUNT.toPlainString()));
    } else {
      checkDecimals(field, value, errors);
    }
  }

  /** Fails a number with more than {@link RuleSet#MAX_DECIMALS} decimal places. */
  static void checkDecimals(String field, BigDecimal value, List<FieldError> errors) {
    if (value.stripTrailingZeros().scale() > RuleSet.MAX_DECIMALS) {
      errors.add(
          new FieldError(field, "must have at most " + RuleSet.MAX_DECIMALS + " decimal places"));
    }
  }

  /**
   * A name's length as a person counts it, for every name a rule set holds: in code points (an
   * emoji is one character, not two UTF-16 units).
   */
  static int characters(String name) {
    return name.codePointCount(0, name.length());
  }

  /**
   * The index (in code points) of a name's first control character (a NUL, a line break), which
   * alerts, logs and dashboards would carry as they are; -1 when it has none.
   */
  static int firstControlCharacter(String name) {
    int[] codePoints = name.codePoints().toArray();
    for (int i = 0; i < codePoints.length; i++) {
      if (Character.isISOControl(codePoints[i])) {
        return i;
      }
    }
    return -1;
  }

  /** "must not hold control characters, got U+0000 at character 2" for the one at {@code index}. */
  static String controlCharacterAt(String name, int index) {
    return String.format(
        Locale.ROOT,
        "must not hold control characters, got U+%04X at character %d",
        name.codePoints().skip(index).findFirst().orElseThrow(),
        index + 1);
  }
}
