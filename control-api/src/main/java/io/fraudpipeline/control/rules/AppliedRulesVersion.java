package io.fraudpipeline.control.rules;

import java.util.Optional;

/**
 * Where the rules capability learns which version the running job applies. The job reports it as
 * the gauge {@code rulesVersionApplied} of its rule operators (docs/job.md), which the jobs
 * capability's Flink observer reads ({@link ObservedAppliedRulesVersion}).
 */
public interface AppliedRulesVersion {

  /** The version the running fraud job applies; empty when none runs or it cannot be asked. */
  Optional<AppliedRules> current();
}
