package io.fraudpipeline.control.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When a rules version counts as applied by the fraud job ({@code rules_version_applied}, the rules
 * API's {@code applied_version}): only once evaluate-rules, velocity-rule and aggregate-rules all
 * report it. The vertex names are the fraud job's (chained operators share a vertex).
 */
class RulesVersionAppliedTest {

  private static final String MAIN_CHAIN =
      "Source: transactions-source -> validate-transactions -> evaluate-rules -> Sink: alerts-sink";
  private static final String VELOCITY = "velocity-rule -> Sink: velocity-alerts-sink";
  private static final String AGGREGATE = "aggregate-rules -> Sink: aggregate-alerts-sink";
  private static final String RULES_SOURCE = "Source: rules-source";
  private static final List<String> FRAUD_JOB =
      List.of(MAIN_CHAIN, RULES_SOURCE, VELOCITY, AGGREGATE);

  @Test
  void isAppliedWhenAllThreeRulesOperatorsReportIt() {
    assertThat(FraudJobObserver.applied(allAt(7), FRAUD_JOB)).isEqualTo(7L);
  }

  @Test
  void isNotAppliedWhileAnyOneOperatorLagsOnAnOlderVersion() {
    for (String lagging : FraudJobObserver.RULES_OPERATORS) {
      Map<String, Long> versions = allAt(7);
      versions.put(lagging, 6L);

      assertThat(FraudJobObserver.applied(versions, FRAUD_JOB)).as(lagging).isEqualTo(6L);
    }
  }

  /**
   * Velocity off or no aggregate rules does not take their operators out of the job: they are in
   * every fraud job's graph and report the version like evaluate-rules, so they are waited for.
   */
  @Test
  void isNotAppliedWhileAnOperatorOfTheJobHasNotReportedYet() {
    for (String silent : FraudJobObserver.RULES_OPERATORS) {
      Map<String, Long> versions = allAt(7);
      versions.remove(silent);

      assertThat(FraudJobObserver.applied(versions, FRAUD_JOB)).as(silent).isNull();
    }
  }

  /** A job of an older jar, built before aggregate rules existed, is not waited on for them. */
  @Test
  void isAppliedByTheOperatorsTheJobHasWhenOneIsNotInItsGraph() {
    Map<String, Long> versions = allAt(7);
    versions.remove("aggregate-rules");

    assertThat(FraudJobObserver.applied(versions, List.of(MAIN_CHAIN, RULES_SOURCE, VELOCITY)))
        .isEqualTo(7L);
  }

  /** A version reported by an operator the job does not have (a stale reading) does not count. */
  @Test
  void ignoresVersionsOfOperatorsTheJobDoesNotHave() {
    Map<String, Long> versions = allAt(7);
    versions.put("aggregate-rules", 3L);

    assertThat(FraudJobObserver.applied(versions, List.of(MAIN_CHAIN, RULES_SOURCE, VELOCITY)))
        .isEqualTo(7L);
  }

  @Test
  void isNoneForAJobWithoutRulesOperatorsOrWhoseVerticesAreNotKnownYet() {
    assertThat(FraudJobObserver.applied(allAt(7), List.of())).isNull();
    assertThat(FraudJobObserver.applied(allAt(7), List.of(RULES_SOURCE))).isNull();
  }

  /** Two rules operators chained into one vertex are each still required. */
  @Test
  void requiresEachOperatorOfAVertexThatChainsTwo() {
    Map<String, Long> versions = allAt(7);
    versions.remove("velocity-rule");
    List<String> chained = List.of("evaluate-rules -> velocity-rule", AGGREGATE);

    assertThat(FraudJobObserver.applied(versions, chained)).isNull();
    versions.put("velocity-rule", 5L);
    assertThat(FraudJobObserver.applied(versions, chained)).isEqualTo(5L);
  }

  private static Map<String, Long> allAt(long version) {
    Map<String, Long> versions = new HashMap<>();
    FraudJobObserver.RULES_OPERATORS.forEach(operator -> versions.put(operator, version));
    return versions;
  }
}
