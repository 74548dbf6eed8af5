package io.fraudpipeline.bench;

import io.fraudpipeline.bench.report.Section;

/** One scenario of the report: measures, then describes what it measured. */
public interface Scenario {

  /** The report section's title. */
  String title();

  /** The targets it checks, as the report names them, for a section saying they were not met. */
  java.util.List<String> targets();

  Section run() throws Exception;
}
