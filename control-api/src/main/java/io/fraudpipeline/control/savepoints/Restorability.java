package io.fraudpipeline.control.savepoints;

import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.control.kafka.TopicsProperties;
import io.fraudpipeline.control.topics.OffsetsObservation;
import io.fraudpipeline.control.topics.OffsetsPoller;
import io.fraudpipeline.control.topics.TopicOffsets;
import io.fraudpipeline.control.topics.TransactionsOffsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Tells whether a savepoint or checkpoint can be restored without loss: a restored job resumes
 * {@code transactions} at the offsets it kept, and if Kafka's retention deleted records after them
 * the job silently starts from the earliest record left (its source resets to earliest), so those
 * records never raise alerts.
 */
@Component
public class Restorability {

  private static final Logger log = LoggerFactory.getLogger(Restorability.class);

  private final TransactionsOffsets offsets;
  private final OffsetsPoller poller;
  private final String transactionsTopic;

  public Restorability(TransactionsOffsets offsets, OffsetsPoller poller, TopicsProperties topics) {
    this.offsets = offsets;
    this.poller = poller;
    this.transactionsTopic = topics.transactions();
  }

  /**
   * The safety of one state from the offsets poller's last sample, without a Kafka call: for reads
   * answered on every request (retention moves slowly; a sample a poll interval old is enough).
   * Unknown while Kafka is unreachable.
   */
  public RestoreSafety assessFromLastSample(Map<Integer, Long> resumeFrom) {
    return lastSampleAssessor().apply(resumeFrom);
  }

  /**
   * A judge of many states against the offsets poller's last sample, without a Kafka call (see
   * {@link #assessFromLastSample}); unknown for every one while Kafka is unreachable.
   */
  public Function<Map<Integer, Long>, RestoreSafety> lastSampleAssessor() {
    OffsetsObservation sample = poller.current();
    if (!sample.kafkaReachable()) {
      return resumeFrom -> RestoreSafety.unknown();
    }
    return sample
        .topic(transactionsTopic)
        .filter(TopicOffsets::exists)
        .<Function<Map<Integer, Long>, RestoreSafety>>map(
            topic -> {
              Map<Integer, Long> earliest = new HashMap<>();
              topic.partitions().forEach(p -> earliest.put(p.partition(), p.earliestOffset()));
              return resumeFrom -> RestoreSafety.of(resumeFrom, earliest);
            })
        .orElse(resumeFrom -> RestoreSafety.unknown());
  }

  /** The safety of one state, from Kafka's earliest offsets now; unknown when Kafka is down. */
  public RestoreSafety assess(Map<Integer, Long> resumeFrom) {
    return assessor().apply(resumeFrom);
  }

  /**
   * A judge of many states against one read of the earliest offsets; when Kafka does not answer it
   * says unknown for every one.
   */
  public Function<Map<Integer, Long>, RestoreSafety> assessor() {
    Map<Integer, Long> earliest;
    try {
      earliest = offsets.earliest();
    } catch (KafkaUnavailableException e) {
      log.warn("Restorability unknown: {}", e.getMessage());
      return resumeFrom -> RestoreSafety.unknown();
    }
    return resumeFrom -> RestoreSafety.of(resumeFrom, earliest);
  }

  /**
   * The fraud job's offsets committed now (partition → next offset to read): what a checkpoint or
   * savepoint that just completed resumes from.
   *
   * @throws KafkaUnavailableException when Kafka does not answer
   */
  public Map<Integer, Long> committedOffsets() {
    return offsets.committed();
  }

  /**
   * The {@code transactions} offsets a savepoint resumes from, read from its own state where this
   * process can (see {@link SavedSourceOffsets}).
   */
  public Optional<Map<Integer, Long>> savedOffsets(String path) {
    return SavedSourceOffsets.read(path, transactionsTopic);
  }

  /**
   * Moves the ended job's group forward to the offsets its final savepoint resumes from, so that a
   * job started without state reads on from there (see {@link
   * TransactionsOffsets#advanceCommitted}).
   */
  public Map<Integer, Long> advanceCommittedOffsets(Map<Integer, Long> savepointOffsets) {
    return offsets.advanceCommitted(savepointOffsets);
  }
}
