package io.fraudpipeline.control.events;

import java.time.Instant;

/**
 * Which events a reader wants; a null criterion matches everything.
 *
 * @param type only events of this type
 * @param reason only events of this reason (exact, case-sensitive: reasons are constants)
 * @param jobId only events about this Flink job
 * @param since only events that happened at or after this instant
 * @param limit at most this many (the newest)
 */
public record EventQuery(
    PipelineEvent.Type type, String reason, String jobId, Instant since, int limit) {

  public boolean matches(PipelineEvent event) {
    return (type == null || type == event.type())
        && (reason == null || reason.equals(event.reason()))
        && (jobId == null || jobId.equals(event.jobId()))
        && (since == null || !event.time().isBefore(since));
  }
}
