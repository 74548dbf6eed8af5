package io.fraudpipeline.job.named;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The one evaluation of named rules, without Flink: the live job's operators and a backtest call
 * exactly this, so what a backtest reports is what the job would raise.
 */
public final class NamedRuleEvaluator {

  private NamedRuleEvaluator() {}

  /**
   * A threshold rule on one transaction: the alert, or null when the filter does not match or the
   * comparison does not hold.
   */
  public static FraudAlert threshold(
      CompiledRules.Compiled rule, Transaction tx, long rulesVersion, Instant now) {
    if (!rule.matches(tx)) {
      return null;
    }
    BigDecimal value = rule.field().number(tx);
    if (value == null || !rule.operator().holds(value, rule.rule().limit())) {
      return null;
    }
    return FraudAlert.namedRuleAlert(tx, rule.rule(), rulesVersion, null, value, now);
  }

  /** Receives the judgements of one transaction, rule by rule. */
  @FunctionalInterface
  public interface Verdicts {

    /**
     * @param index the rule's index in its {@link CompiledRules.Grouping#rules()}
     * @param rule a rule whose filter the transaction passed, so it was judged
     * @param alertOrNull the alert when the rule fired
     */
    void judged(int index, CompiledRules.Compiled rule, FraudAlert alertOrNull);
  }

  /**
   * What one thread reuses to judge transactions by one grouping's rules, so that judging one
   * allocates no scratch of its own (new are only a key's arrays as they grow and a firing rule's
   * alert): a window per scan and the buffers of {@link HeldTransactions#insert(Transaction,
   * HeldTransactions.Buffers)}. Not thread-safe.
   */
  public static final class Workspace {

    private final CompiledRules.Grouping grouping;
    private final RuleWindows.Window[] windows;
    // The transaction each window was last gathered for (by count): a window is gathered once per
    // transaction, by the first rule that needs it.
    private final long[] gatheredFor;
    private long judged;
    private final HeldTransactions.Buffers buffers = new HeldTransactions.Buffers();

    public Workspace(CompiledRules.Grouping grouping) {
      this.grouping = grouping;
      this.windows =
          grouping.scans().stream().map(RuleWindows.Window::new).toArray(RuleWindows.Window[]::new);
      this.gatheredFor = new long[windows.length];
    }

    public CompiledRules.Grouping grouping() {
      return grouping;
    }
  }

  /**
   * One transaction of a group by the group's aggregate rules: evicts what lies before the widest
   * window and adds it to the transactions the group holds (when any rule's filter takes it), then,
   * for each rule whose filter it passes, computes the aggregate over the rule's window ending at
   * the transaction and compares it with the limit. Rules that select the same rows of a window
   * share one pass over it.
   *
   * @param workspace of the aggregate rules grouping by the group's fields
   * @param held the key's transactions; changed in place
   * @param verdicts gets the judgements, in rule order (not a list of them: that was garbage per
   *     transaction)
   */
  public static void aggregates(
      Workspace workspace,
      HeldTransactions held,
      Transaction tx,
      long rulesVersion,
      Instant now,
      Verdicts verdicts) {
    CompiledRules.Grouping grouping = workspace.grouping;
    List<CompiledRules.Compiled> rules = grouping.rules();
    int present = CompiledRules.presentFields(tx);
    // Which rules judge it, decided once per transaction: bit r for rule r. A rule set may hold
    // more rules than a long has bits; those are decided twice (no garbage either way).
    int decided = Math.min(rules.size(), Long.SIZE);
    long judged = 0;
    for (int r = 0; r < decided; r++) {
      if (rules.get(r).judges(tx, present)) {
        judged |= 1L << r;
      }
    }
    boolean taken = judged != 0;
    for (int r = decided; !taken && r < rules.size(); r++) {
      taken = rules.get(r).judges(tx, present);
    }
    if (!taken) {
      return;
    }
    // Evicting first: an eviction moves the index insert returns.
    held.evictUpTo(RuleWindows.time(tx) - grouping.widestMillis());
    int at = held.insert(tx, workspace.buffers);
    long judging = ++workspace.judged;
    for (int r = 0; r < rules.size(); r++) {
      if (r < decided ? (judged & 1L << r) == 0 : !rules.get(r).judges(tx, present)) {
        continue;
      }
      CompiledRules.Compiled rule = rules.get(r);
      int scan = grouping.scanOf()[r];
      RuleWindows.Window window = workspace.windows[scan];
      if (workspace.gatheredFor[scan] != judging) {
        window.gather(held, tx, at);
        workspace.gatheredFor[scan] = judging;
      }
      BigDecimal value = window.firing(rule, held);
      FraudAlert alert = null;
      if (value != null) {
        alert =
            FraudAlert.namedRuleAlert(tx, rule.rule(), rulesVersion, rule.groupKey(tx), value, now);
      }
      verdicts.judged(r, rule, alert);
    }
  }
}
