package io.fraudpipeline.control.producer;

import io.fraudpipeline.producer.send.ProducerRun;
import java.time.Instant;

/** A run the control plane started: the library's run with its id and start time. */
record ManagedRun(String id, Instant createdAt, ProducerRun run) {

  boolean isFinished() {
    return run.progress().state().isFinal();
  }
}
