package io.fraudpipeline.control.rules;

import io.fraudpipeline.model.RuleSet;
import java.time.Instant;
import java.util.List;

/**
 * One entry of the rules history: who changed what, and when. Published on the history topic in the
 * same Kafka transaction as the rule set itself, so the history never disagrees with the rules.
 *
 * @param version the version the change created
 * @param previousVersion the version it replaced
 * @param changedAt when it was published
 * @param changedBy who published it ({@code X-Updated-By}, else the authenticated client's name)
 * @param operation {@code replace} (PUT) or {@code merge-patch} (PATCH)
 * @param changes the parameters that differ from the previous version
 * @param ruleSet the whole rule set as published
 */
public record RuleChange(
    long version,
    long previousVersion,
    Instant changedAt,
    String changedBy,
    String operation,
    List<FieldChange> changes,
    RuleSet ruleSet) {

  public static final String REPLACE = "replace";
  public static final String MERGE_PATCH = "merge-patch";

  public RuleChange {
    changes = changes == null ? List.of() : List.copyOf(changes);
  }
}
