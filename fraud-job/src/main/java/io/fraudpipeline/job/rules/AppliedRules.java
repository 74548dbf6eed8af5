package io.fraudpipeline.job.rules;

import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.ParseResult;
import io.fraudpipeline.model.RuleSet;
import java.util.Arrays;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The rule set an operator applies: the built-in defaults, then the highest valid version seen.
 * Only a higher version replaces a lower one, so replays of the compacted topic and the initial
 * rules read at submission can arrive in any order.
 *
 * <p>The broadcast state holds the applied rule set as its JSON bytes (the wire contract), so a
 * savepoint stays readable whatever the Java classes become.
 */
public final class AppliedRules {

  /** Broadcast state of both rule operators: {@code "rules" -> JSON bytes of the RuleSet}. */
  public static final MapStateDescriptor<String, byte[]> STATE =
      new MapStateDescriptor<>(
          "applied-rules", Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

  static final String STATE_KEY = "rules";

  private RuleSet current = RuleSet.DEFAULT;
  private byte[] currentJson;

  /** The rules to apply now. */
  public RuleSet current() {
    return current;
  }

  public long version() {
    return current.version();
  }

  /**
   * Starts from the rules read at submission (may be null) and whatever a restored broadcast state
   * holds, keeping the higher version.
   */
  public static AppliedRules restore(byte[] initialRulesJson, FunctionInitializationContext ctx)
      throws Exception {
    AppliedRules rules = new AppliedRules();
    if (initialRulesJson != null) {
      rules.offer(initialRulesJson);
    }
    byte[] stored = ctx.getOperatorStateStore().getBroadcastState(STATE).get(STATE_KEY);
    if (stored != null) {
      rules.offer(stored);
    }
    return rules;
  }

  /**
   * Considers a rule set read from the topic.
   *
   * @return what became of it
   */
  public Offer offer(byte[] json) {
    ParseResult<RuleSet> parsed = FraudJson.parseRuleSet(json);
    if (parsed instanceof ParseResult.Invalid<RuleSet> invalid) {
      return new Offer.Invalid(invalid.reason());
    }
    RuleSet candidate = ((ParseResult.Valid<RuleSet>) parsed).value();
    // Any published rule set beats the built-in defaults, even one at version 0.
    if (currentJson != null && candidate.version() <= current.version()) {
      return new Offer.Stale(candidate.version());
    }
    current = candidate;
    currentJson = Arrays.copyOf(json, json.length);
    return new Offer.Applied(candidate.version());
  }

  /** Records the applied rules in broadcast state, for checkpoints and savepoints. */
  public void store(BroadcastState<String, byte[]> state) throws Exception {
    if (currentJson != null) {
      state.put(STATE_KEY, currentJson);
    }
  }

  /** What {@link #offer} did with a rule set. */
  public sealed interface Offer {
    /** It is now the applied rule set. */
    record Applied(long version) implements Offer {}

    /** Its version is not higher than the applied one; ignored. */
    record Stale(long version) implements Offer {}

    /** It is not a valid rule set; ignored. */
    record Invalid(String reason) implements Offer {}
  }
}
