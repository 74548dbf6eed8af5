package io.fraudpipeline.bench.report;

/** Whether a target was met in this run. */
public enum Verdict {
  MET("met"),
  NOT_MET("**not met**"),
  NOT_MEASURED("not measured"),
  /** The issue sets no threshold: the figure is reported, not judged. */
  REPORTED("reported (no threshold set)");

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  /** How the report writes it. */
  public String label() {
    return label;
  }

  public static Verdict of(boolean met) {
    return met ? MET : NOT_MET;
  }
}
