package io.fraudpipeline.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A payment transaction as it travels on the {@code transactions} topic.
 *
 * <p>Only {@code transactionId} and {@code amount} are required; {@code accountId} also accepts the
 * seed producer's {@code user_id}. A missing {@code timestamp} means "use the Kafka record's
 * timestamp". Use {@link FraudJson#parseTransaction(byte[])} to read one: it validates.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Transaction(
    String transactionId,
    @JsonAlias("user_id") String accountId,
    BigDecimal amount,
    String currency,
    String merchant,
    String merchantCategory,
    String country,
    Instant timestamp) {

  /** A copy with {@code timestamp} set, e.g. from the Kafka record when the JSON had none. */
  public Transaction withTimestamp(Instant newTimestamp) {
    return new Transaction(
        transactionId,
        accountId,
        amount,
        currency,
        merchant,
        merchantCategory,
        country,
        newTimestamp);
  }
}
