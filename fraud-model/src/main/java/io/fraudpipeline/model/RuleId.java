package io.fraudpipeline.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** The rules the fraud job evaluates. The wire name is part of every alert id. */
public enum RuleId {
  /** Amount above the global threshold (the seed's rule, default 5000). */
  AMOUNT_THRESHOLD("amount_threshold"),
  /** Amount above the threshold set for the transaction's merchant category. */
  CATEGORY_THRESHOLD("category_threshold"),
  /** More than N transactions of one account within a sliding event-time window. */
  VELOCITY("velocity"),
  /**
   * A named rule of the rule set's {@code rules} list; the alert's {@code rule_id} says which, and
   * its alert id is {@code transaction_id:rule_id}.
   */
  NAMED("named");

  private final String wireName;

  RuleId(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }
}
