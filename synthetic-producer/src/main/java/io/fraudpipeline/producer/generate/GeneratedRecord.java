package io.fraudpipeline.producer.generate;

import io.fraudpipeline.model.Transaction;

/**
 * One record ready for the {@code transactions} topic, with the ground truth of how it was made.
 *
 * @param sequence position in the run, from 0
 * @param key the record key: the account id (also for malformed records)
 * @param value the record value: the transaction as {@code FraudJson} writes it, or malformed bytes
 * @param label what the record was made to be
 * @param transaction the transaction behind {@code value}; for a malformed record, the transaction
 *     it was derived from (which the value does not validly encode)
 */
public record GeneratedRecord(
    long sequence, String key, byte[] value, Label label, Transaction transaction) {}
