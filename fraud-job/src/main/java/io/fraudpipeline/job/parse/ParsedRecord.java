package io.fraudpipeline.job.parse;

import io.fraudpipeline.job.dlq.DeadLetter;
import io.fraudpipeline.model.Transaction;

/**
 * One record of the transactions topic after parsing: a valid transaction, or a dead letter. The
 * source emits these so event time can come from the transaction itself; they travel only along
 * chained operators (never serialized).
 */
public sealed interface ParsedRecord {

  /** A transaction that parsed and passed validation; its timestamp is always set. */
  record Accepted(Transaction transaction) implements ParsedRecord {}

  /** A record that did not, with everything the dead-letter topic needs. */
  record Rejected(DeadLetter deadLetter) implements ParsedRecord {}
}
