package io.fraudpipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The versioned fraud rules, published whole to the compacted {@code fraud-rules} topic under
 * {@link Topics#RULES_KEY}. The job applies the latest one it has read; {@code version} grows by
 * one with every change, so the control plane can see which version the job applies.
 *
 * @param version 0 for the built-in defaults, then 1, 2, ...
 * @param amountThreshold a transaction whose amount is strictly greater raises an alert
 * @param categoryThresholds per {@code merchant_category} overrides of {@code amountThreshold}
 * @param velocity the per-account velocity rule
 * @param updatedAt when this version was published
 * @param updatedBy who published it
 * @param rules the named rules (thresholds and windowed aggregates), see {@link NamedRule}; left
 *     out of the JSON when empty, so a rule set without them reads and writes as before
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleSet(
    long version,
    BigDecimal amountThreshold,
    Map<String, BigDecimal> categoryThresholds,
    VelocityRule velocity,
    Instant updatedAt,
    String updatedBy,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<NamedRule> rules) {

  /** The seed's amount threshold: transactions over $5000 are fraud. */
  public static final BigDecimal DEFAULT_AMOUNT_THRESHOLD = new BigDecimal("5000");

  /**
   * Most decimal places of a threshold or a named rule's limit. JSON readers refuse a number of
   * more than a hundred characters (Jackson's default), so a rule set holding {@code 1e-400} would
   * be written and then never read back, by the job or the control plane.
   */
  public static final int MAX_DECIMALS = 6;

  /** Most per-category thresholds; with the named rules' bounds a rule set stays far below 1 MB. */
  public static final int MAX_CATEGORY_THRESHOLDS = 1000;

  /** Longest category name a threshold may name. */
  public static final int MAX_CATEGORY_LENGTH = 100;

  /** What the job applies until it reads a rule set from the topic. */
  public static final RuleSet DEFAULT =
      new RuleSet(
          0, DEFAULT_AMOUNT_THRESHOLD, Map.of(), VelocityRule.DISABLED, null, null, List.of());

  public RuleSet {
    amountThreshold = amountThreshold == null ? DEFAULT_AMOUNT_THRESHOLD : amountThreshold;
    categoryThresholds = categoryThresholds == null ? Map.of() : Map.copyOf(categoryThresholds);
    velocity = velocity == null ? VelocityRule.DISABLED : velocity;
    // Not List.copyOf: a null element must reach the validator, which names it.
    rules = rules == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(rules));
  }

  /** A rule set without named rules, as before they existed. */
  public RuleSet(
      long version,
      BigDecimal amountThreshold,
      Map<String, BigDecimal> categoryThresholds,
      VelocityRule velocity,
      Instant updatedAt,
      String updatedBy) {
    this(version, amountThreshold, categoryThresholds, velocity, updatedAt, updatedBy, List.of());
  }

  /** The threshold that applies to a transaction of this merchant category (may be null). */
  public BigDecimal thresholdFor(String merchantCategory) {
    if (merchantCategory != null && !categoryThresholds.isEmpty()) {
      BigDecimal override = categoryThresholds.get(merchantCategory);
      if (override != null) {
        return override;
      }
    }
    return amountThreshold;
  }

  /** Whether a category override (rather than the global threshold) applies. */
  public boolean hasCategoryThreshold(String merchantCategory) {
    return merchantCategory != null && categoryThresholds.containsKey(merchantCategory);
  }

  /** The same rules as the next version, stamped with who changed them and when. */
  public RuleSet nextVersion(Instant at, String by) {
    return new RuleSet(version + 1, amountThreshold, categoryThresholds, velocity, at, by, rules);
  }
}
