package io.fraudpipeline.job.named;

import java.math.BigDecimal;

/**
 * One transaction in a rule's window: its event time, its id (orders transactions of the same
 * millisecond, so the result does not depend on arrival order), and the one value the rule
 * aggregates: the number ({@code sum}, {@code avg}, {@code min}, {@code max}), the text ({@code
 * count_distinct}) or neither ({@code count}). Only that value is kept, not the transaction.
 *
 * <p>Public with public accessors so Flink serializes it as a POJO (record) in keyed state.
 */
public record WindowEntry(long time, String transactionId, BigDecimal number, String text) {

  /** Whether this entry comes before {@code other} in judging order: event time, then id. */
  boolean notAfter(long otherTime, String otherId) {
    return time < otherTime || (time == otherTime && transactionId.compareTo(otherId) <= 0);
  }
}
