package io.fraudpipeline.producer.send;

/** Where a producer run is in its life. */
public enum RunState {
  /** Sending. */
  RUNNING,
  /** Stop requested: no new records; waiting for those in flight to be acknowledged or fail. */
  STOPPING,
  /** Reached its count or duration, and every record sent has been acknowledged or has failed. */
  COMPLETED,
  /** Stopped on request, after every record sent was acknowledged or failed. */
  STOPPED,
  /** Ended early by an error (a record Kafka did not accept, or the producer broke). */
  FAILED;

  /** Whether the run has ended: its counters no longer change. */
  public boolean isFinal() {
    return this == COMPLETED || this == STOPPED || this == FAILED;
  }
}
