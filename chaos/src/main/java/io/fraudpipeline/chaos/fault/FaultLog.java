package io.fraudpipeline.chaos.fault;

import java.util.ArrayList;
import java.util.List;

/** What a fault did and when: the moments are the chart's markers, the notes the report's. */
public final class FaultLog {

  /** A moment of the fault, in wall-clock milliseconds. */
  public record Moment(long atMillis, String label) {}

  private final List<Moment> moments = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  /** Records that {@code label} happens now. */
  public FaultLog mark(String label) {
    moments.add(new Moment(System.currentTimeMillis(), label));
    return this;
  }

  public FaultLog note(String note) {
    notes.add(note);
    return this;
  }

  /**
   * Records that the system did not do what it must in this fault (e.g. bring the job back), even
   * if no alert is lost: the scenario fails.
   */
  public FaultLog fail(String what) {
    failures.add(what);
    return note("FAILED: " + what);
  }

  public List<String> failures() {
    return List.copyOf(failures);
  }

  /** When the fault was injected: its first moment. */
  public long startMillis() {
    if (moments.isEmpty()) {
      throw new IllegalStateException("the fault marked no moment");
    }
    return moments.get(0).atMillis();
  }

  public List<Moment> moments() {
    return List.copyOf(moments);
  }

  public List<String> notes() {
    return List.copyOf(notes);
  }
}
