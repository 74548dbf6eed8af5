package io.fraudpipeline.bench.report;

/**
 * One target of the benchmark issue and how this run fared against it.
 *
 * @param scenario the scenario it belongs to
 * @param target the target as the issue states it, e.g. "job / plain loop >= 1.0 (exactly-once,
 *     p=1)"
 * @param measured what was measured, with units, e.g. "41 200 vs 52 000 tx/s"
 * @param ratio the measured ratio or value compared with the target, e.g. "0.79"
 * @param verdict met, not met, or not measured
 */
public record TargetCheck(
    String scenario, String target, String measured, String ratio, Verdict verdict) {

  public static TargetCheck notMeasured(String scenario, String target, String why) {
    return new TargetCheck(scenario, target, why, "–", Verdict.NOT_MEASURED);
  }
}
