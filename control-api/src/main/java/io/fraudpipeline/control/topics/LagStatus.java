package io.fraudpipeline.control.topics;

/**
 * How the fraud job's consumer group keeps up, judged over the evaluation window in the spirit of
 * LinkedIn's Burrow: from the shape of the lag over time, not from a fixed threshold.
 */
public enum LagStatus {
  /** The lag was zero at some point in the window, or it is not growing. */
  OK,
  /** The group commits, but its lag grew at every sample of the window. */
  LAGGING,
  /** The group has not committed for the whole window although records wait for it. */
  STALLED,
  /** No committed offset, not enough history yet, or Kafka unreachable. */
  UNKNOWN,
  /**
   * The group's committed offset is below the partition's earliest offset: retention deleted
   * records before the job read them; they are lost to it.
   */
  DATA_LOSS;

  /** Orders statuses by severity, so a group takes the worst status of its partitions. */
  int severity() {
    return switch (this) {
      case UNKNOWN -> 0;
      case OK -> 1;
      case LAGGING -> 2;
      case STALLED -> 3;
      // Lost records are a fact the group cannot undo: worse than any judgement of its pace.
      case DATA_LOSS -> 4;
    };
  }
}
