package io.fraudpipeline.control.rules;

import java.time.Instant;
import java.util.Optional;

/**
 * Remembers since when the job has reported its current version: a new job or a new version starts
 * the clock again; not seeing the job forgets it.
 */
final class AppliedVersionTracker {

  private AppliedRules last;

  synchronized AppliedRules observe(String jobId, long version, Instant at) {
    Instant since =
        last != null && last.jobId().equals(jobId) && last.version() == version
            ? last.appliedSince()
            : at;
    last = new AppliedRules(jobId, version, since, at);
    return last;
  }

  synchronized void forget() {
    last = null;
  }

  synchronized Optional<AppliedRules> current() {
    return Optional.ofNullable(last);
  }
}
