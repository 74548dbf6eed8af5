package io.fraudpipeline.chaos.load;

/**
 * Dead letters of one scenario's transactions, as a {@code read_committed} consumer sees them.
 *
 * @param records DLQ records whose source is one of the scenario's transactions
 * @param distinct different source records among them
 */
public record DlqCount(long records, long distinct) {

  public long duplicated() {
    return records - distinct;
  }
}
