package io.fraudpipeline.job.rules;

import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.Transaction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;

/**
 * Creates {@link RuleEvaluationOperator}s. A factory rather than an operator instance because the
 * operator needs the task's mailbox, which only {@link StreamOperatorParameters} carry.
 */
public final class RuleEvaluationOperatorFactory extends AbstractStreamOperatorFactory<FraudAlert>
    implements OneInputStreamOperatorFactory<Transaction, FraudAlert> {

  private static final long serialVersionUID = 1L;

  private final byte[] initialRulesJson;
  private final RuleSetFeed feed;

  /**
   * @param initialRulesJson the rule set read when the job was submitted, or null for the defaults
   * @param feed where later rule sets come from
   */
  public RuleEvaluationOperatorFactory(byte[] initialRulesJson, RuleSetFeed feed) {
    this.initialRulesJson = initialRulesJson;
    this.feed = feed;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends StreamOperator<FraudAlert>> T createStreamOperator(
      StreamOperatorParameters<FraudAlert> parameters) {
    return (T) new RuleEvaluationOperator(parameters, initialRulesJson, feed);
  }

  @Override
  public Class<? extends StreamOperator<?>> getStreamOperatorClass(ClassLoader classLoader) {
    return RuleEvaluationOperator.class;
  }
}
