package io.fraudpipeline.control.pipeline;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link PipelineStatusStore} kept in memory instead of the status topic, for unit tests. */
final class InMemoryPipelineStatusStore extends PipelineStatusStore {

  private final AtomicReference<PipelineStatus> status = new AtomicReference<>();

  InMemoryPipelineStatusStore() {
    super(null);
  }

  @Override
  public Optional<PipelineStatus> read() {
    return Optional.ofNullable(status.get());
  }

  @Override
  public void write(PipelineStatus written) {
    status.set(written);
  }

  @Override
  public void close() {}
}
