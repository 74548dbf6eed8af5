package io.fraudpipeline.control.rules;

import java.time.Instant;

/**
 * The rule set version the running fraud job applies, as its Flink metric reports it.
 *
 * @param jobId the Flink job
 * @param version the version every subtask applies (the minimum over subtasks)
 * @param appliedSince when the control plane first saw the job report this version (within one poll
 *     interval of when the job applied it)
 * @param observedAt when the job was last asked
 */
public record AppliedRules(String jobId, long version, Instant appliedSince, Instant observedAt) {}
