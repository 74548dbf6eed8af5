package io.fraudpipeline.bench.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything docs/benchmarks.md says: where and how the run happened, then each scenario.
 *
 * @param command the exact command that produced the report
 * @param startedAt when the run started
 * @param took how long the whole run took
 * @param machine the machine, as measured at the start of the run
 * @param loadAtEnd the load averages when the run ended
 * @param versions component name to version, read from the running jars
 * @param settings the run's sizes and settings, name to value
 * @param sections one per scenario
 */
public record Report(
    String command,
    Instant startedAt,
    Duration took,
    MachineInfo machine,
    String loadAtEnd,
    Map<String, String> versions,
    Map<String, String> settings,
    List<Section> sections) {

  public Report {
    versions = Map.copyOf(versions);
    settings = Map.copyOf(settings);
    sections = List.copyOf(sections);
  }

  /** Every target of every section, in report order. */
  public List<TargetCheck> targets() {
    return sections.stream().flatMap(s -> s.targets().stream()).toList();
  }
}
