package io.fraudpipeline.model;

/**
 * Header names on records in the dead-letter topic. The record value is the original bytes,
 * unchanged; these headers say why it was rejected and where it came from.
 */
public final class DlqHeaders {

  /** Human-readable reason the record was rejected, UTF-8. */
  public static final String REASON = "dlq.reason";

  /** Topic the record was read from, UTF-8. */
  public static final String SOURCE_TOPIC = "dlq.source.topic";

  /** Partition the record was read from, decimal UTF-8. */
  public static final String SOURCE_PARTITION = "dlq.source.partition";

  /** Offset the record was read from, decimal UTF-8. */
  public static final String SOURCE_OFFSET = "dlq.source.offset";

  /** Kafka timestamp of the source record (epoch millis), decimal UTF-8. */
  public static final String SOURCE_TIMESTAMP = "dlq.source.timestamp";

  private DlqHeaders() {}
}
