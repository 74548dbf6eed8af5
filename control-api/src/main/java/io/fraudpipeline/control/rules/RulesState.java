package io.fraudpipeline.control.rules;

import io.fraudpipeline.model.RuleSet;
import java.util.Optional;

/** The current rule set and what the running job applies. */
record RulesState(RuleSet rules, Optional<AppliedRules> applied) {}
