package io.fraudpipeline.job.named;

import io.fraudpipeline.model.Transaction;

/**
 * A transaction on its way to the aggregate rules that group by {@code groupBy}: {@code key} is the
 * keyBy key (the fields and their values), so every transaction of one group meets the same state.
 *
 * @param groupBy the rules' {@code group_by} fields, comma-separated in rule order
 * @param key {@code groupBy}, then each field's value, separated by NUL characters
 */
public record GroupedTransaction(String groupBy, String key, Transaction transaction) {

  /** The {@code groupBy} part of a {@link #key()}. */
  public static String groupByOf(String key) {
    int end = key.indexOf('\0');
    return end < 0 ? key : key.substring(0, end);
  }
}
