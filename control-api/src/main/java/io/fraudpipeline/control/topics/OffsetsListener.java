package io.fraudpipeline.control.topics;

/** Told about every new {@link OffsetsObservation}, on the poller's thread; must not block. */
public interface OffsetsListener {

  void onObservation(OffsetsObservation observation);
}
