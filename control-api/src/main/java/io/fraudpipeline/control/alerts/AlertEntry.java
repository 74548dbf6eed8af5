package io.fraudpipeline.control.alerts;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One committed alert as read from the alerts topic.
 *
 * @param partition its partition
 * @param offset its offset
 * @param timestamp the Kafka record's timestamp
 * @param alert the alert exactly as on the wire (docs/wire-contract.md)
 */
public record AlertEntry(int partition, long offset, Instant timestamp, JsonNode alert) {}
