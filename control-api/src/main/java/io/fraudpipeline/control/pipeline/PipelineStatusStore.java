package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.kafka.CompactedTopic;
import io.fraudpipeline.control.kafka.ReadCommittedConsumers;
import io.fraudpipeline.control.kafka.TopicsProperties;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/** The {@link PipelineStatus}, one key of a compacted topic: the leader writes, everyone reads. */
@Component
public class PipelineStatusStore implements AutoCloseable {

  private static final String KEY = "status";
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

  private final CompactedTopic<PipelineStatus> topic;

  @Autowired
  public PipelineStatusStore(
      TopicsProperties topics,
      Admin admin,
      ReadCommittedConsumers consumers,
      KafkaProperties kafka) {
    this(
        new CompactedTopic<>(
            topics.pipelineStatus(),
            "pipeline status",
            PipelineStatus.class,
            "control-api-pipeline-status",
            topics.replicationFactor(),
            admin,
            consumers,
            kafka,
            WRITE_TIMEOUT,
            topics.readTimeout()));
  }

  /** On {@code topic}; null for a store that keeps the status elsewhere (a test's, in memory). */
  PipelineStatusStore(CompactedTopic<PipelineStatus> topic) {
    this.topic = topic;
  }

  public Optional<PipelineStatus> read() {
    return Optional.ofNullable(topic.readAll().get(KEY));
  }

  /** Returns once Kafka has it. */
  public void write(PipelineStatus status) {
    topic.put(KEY, status);
  }

  @Override
  public void close() {
    topic.close();
  }
}
