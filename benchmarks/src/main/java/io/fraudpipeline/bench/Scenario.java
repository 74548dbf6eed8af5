package io.fraudpipeline.bench;

import io.fraudpipeline.bench.report.Section;
import io.fraudpipeline.bench.report.TargetCheck;

/** One scenario of the report: measures, then describes what it measured. */
public interface Scenario {

  /** The report section's title. */
  String title();

  /** The targets it checks, as the report names them, for a section saying they were not met. */
  java.util.List<String> targets();

  Section run() throws Exception;

  /**
   * This scenario's section when it measured nothing: {@code reason} says why in the text, and
   * every target is reported not measured for {@code why}.
   */
  default Section notMeasured(String reason, String why) {
    Section.Builder section = Section.titled(title()).text("**Not measured**: " + reason + ".");
    targets().forEach(t -> section.target(TargetCheck.notMeasured(title(), t, why)));
    return section.build();
  }
}
