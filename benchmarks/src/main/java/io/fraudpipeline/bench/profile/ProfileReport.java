package io.fraudpipeline.bench.profile;

import io.fraudpipeline.bench.report.Format;
import io.fraudpipeline.bench.report.Section;
import io.fraudpipeline.bench.report.Table;
import java.util.List;

/** Writes a {@link Profile} into a report section. */
public final class ProfileReport {

  /** The JVM the harness runs in, with the broker and the Flink cluster. */
  public static final String BENCHMARK_JVM = "this JVM (broker, Flink cluster, harness)";

  private ProfileReport() {}

  /**
   * Adds the profile's findings to {@code section}.
   *
   * @param what what was profiled, e.g. "one extra pass of the fraud job (at-least-once, p=1)"
   * @param jvm the JVM the recording is of, e.g. {@link #BENCHMARK_JVM}
   */
  public static void addTo(Section.Builder section, String what, String jvm, Profile profile) {
    section.text(
        "**Profile** (JFR, `profile` settings) of "
            + what
            + ": "
            + Format.count(profile.executionSamples())
            + " execution samples; the machine's CPU was "
            + Format.decimal(100 * profile.machineCpu(), 0)
            + " % busy on average, "
            + jvm
            + " used "
            + Format.decimal(100 * profile.jvmCpu(), 0)
            + " % of the machine. "
            + boundBy(profile));
    section.table(shares("Where the samples were (thread kind)", profile.byKind()));
    section.table(shares("Library of the innermost non-JDK frame", profile.byComponent()));
    section.table(shares("Hottest methods (top of stack)", profile.topMethods()));
  }

  /** A sentence naming the bound, from the numbers alone. */
  static String boundBy(Profile profile) {
    StringBuilder s = new StringBuilder();
    if (profile.machineCpu() >= 0.85) {
      s.append("The run is CPU-bound: both cores were nearly always busy.");
    } else {
      s.append("The CPU was not saturated, so waiting (I/O, commits, timers) bounds the run.");
    }
    List<Profile.Share> kinds = profile.byKind();
    if (!kinds.isEmpty()) {
      Profile.Share first = kinds.get(0);
      s.append(" The largest share of samples, ")
          .append(Format.decimal(first.percent(), 0))
          .append(" %, is in: ")
          .append(first.name());
      if (kinds.size() > 1) {
        Profile.Share second = kinds.get(1);
        s.append("; then ")
            .append(second.name())
            .append(" (")
            .append(Format.decimal(second.percent(), 0))
            .append(" %)");
      }
      s.append('.');
    }
    return s.toString();
  }

  private static Table shares(String title, List<Profile.Share> shares) {
    Table.Builder table = Table.withHeader(title, "Samples", "Share");
    for (Profile.Share share : shares) {
      table.row(
          "`" + share.name() + "`",
          Format.count(share.samples()),
          Format.decimal(share.percent(), 1) + " %");
    }
    return table.build();
  }
}
