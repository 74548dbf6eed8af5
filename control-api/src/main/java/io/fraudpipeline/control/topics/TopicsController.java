package io.fraudpipeline.control.topics;

import io.fraudpipeline.control.web.ApiException;
import io.fraudpipeline.control.web.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Offsets of the pipeline topics and the fraud job's consumer lag, from the poller's last sample.
 */
@RestController
@RequestMapping(
    path = "/api/v1/topics",
    produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
@Tag(name = "topics", description = "Topic offsets and the fraud job's consumer lag")
class TopicsController {

  /** The pipeline topics as last sampled. */
  record TopicsResponse(Instant observedAt, List<TopicOffsets> topics) {}

  /** The fraud job's lag as last sampled. */
  record LagResponse(
      Instant observedAt,
      String groupId,
      String topic,
      LagStatus status,
      long lagRecords,
      Double lagSeconds,
      long recordsLost,
      List<PartitionLag> partitions) {}

  private final OffsetsPoller poller;

  TopicsController(OffsetsPoller poller) {
    this.poller = poller;
  }

  @GetMapping
  @Operation(
      summary = "Partitions and offsets of the pipeline topics",
      description =
          "Earliest, latest (high watermark) and last stable offsets (the end for read_committed"
              + " consumers) of transactions, fraud-alerts, fraud-alerts-shadow,"
              + " transactions-dlq and fraud-rules, from the background poller's last sample"
              + " (observed_at). 503 when Kafka did not answer it.")
  @ApiResponse(responseCode = "200", description = "The topics' offsets")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  TopicsResponse topics() {
    OffsetsObservation observation = reachable();
    return new TopicsResponse(observation.observedAt(), observation.topics());
  }

  @GetMapping("/lag")
  @Operation(
      summary = "The fraud job's consumer lag",
      description =
          "Per partition and in total, in records and in seconds (interpolated from the history of"
              + " end offsets), with a status over the evaluation window: OK, LAGGING, STALLED or"
              + " UNKNOWN; DATA_LOSS when the group's committed offset is below a partition's"
              + " earliest offset (retention deleted records before the job read them: records_lost"
              + " per partition). Flink commits the group's offsets on checkpoints, so the lag"
              + " includes up to one checkpoint interval of records.")
  @ApiResponse(responseCode = "200", description = "The group's lag")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  LagResponse lag() {
    OffsetsObservation observation = reachable();
    ConsumerLag lag = observation.lag();
    return new LagResponse(
        observation.observedAt(),
        lag.groupId(),
        lag.topic(),
        lag.status(),
        lag.lagRecords(),
        lag.lagSeconds(),
        lag.recordsLost(),
        lag.partitions());
  }

  private OffsetsObservation reachable() {
    OffsetsObservation observation = poller.current();
    if (!observation.kafkaReachable()) {
      throw kafkaUnavailable(observation);
    }
    return observation;
  }

  static ApiException kafkaUnavailable(OffsetsObservation observation) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("observed_at", observation.observedAt().toString());
    if (observation.lastReachableAt() != null) {
      properties.put("last_reachable_at", observation.lastReachableAt().toString());
    }
    return new ApiException(
        ProblemType.KAFKA_UNAVAILABLE,
        "Kafka did not answer the offsets sample of "
            + observation.observedAt()
            + ": "
            + observation.error(),
        properties);
  }
}
