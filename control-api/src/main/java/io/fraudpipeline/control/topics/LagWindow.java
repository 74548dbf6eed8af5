package io.fraudpipeline.control.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed offset and lag of one partition over the evaluation window, and the status they
 * give. The rules follow Burrow's: any zero lag in the window is OK; a committed offset that did
 * not move over the whole window while records wait is STALLED; a lag that grew at every sample is
 * LAGGING (judged where the group committed: Flink commits on checkpoints); anything else is OK.
 * Until the samples cover the whole window the status is UNKNOWN, unless the lag is zero.
 */
final class LagWindow {

  record Point(long atMillis, long committed, long lag) {}

  private final long windowMillis;
  private final List<Point> points = new ArrayList<>();

  LagWindow(Duration window) {
    this.windowMillis = window.toMillis();
  }

  void add(long atMillis, long committed, long lag) {
    if (!points.isEmpty() && committed < points.get(points.size() - 1).committed()) {
      // The group was reset or the topic recreated: start over.
      points.clear();
    }
    points.add(new Point(atMillis, committed, lag));
    long windowStart = atMillis - windowMillis;
    // Keep one point at or before the window's start, so a full window can be recognised.
    while (points.size() > 1 && points.get(1).atMillis() <= windowStart) {
      points.remove(0);
    }
  }

  LagStatus status() {
    if (points.isEmpty()) {
      return LagStatus.UNKNOWN;
    }
    if (points.stream().anyMatch(p -> p.lag() == 0)) {
      return LagStatus.OK;
    }
    Point first = points.get(0);
    Point last = points.get(points.size() - 1);
    if (last.atMillis() - first.atMillis() < windowMillis) {
      return LagStatus.UNKNOWN;
    }
    if (first.committed() == last.committed()) {
      return LagStatus.STALLED;
    }
    // Judge the lag where the group committed (Flink commits on checkpoints, so between two
    // commits the lag always rises): at each new committed offset, and now.
    List<Point> commits = new ArrayList<>();
    for (Point p : points) {
      if (commits.isEmpty() || p.committed() != commits.get(commits.size() - 1).committed()) {
        commits.add(p);
      }
    }
    commits.add(last);
    boolean growing = last.lag() > commits.get(0).lag();
    for (int i = 1; i < commits.size() && growing; i++) {
      growing = commits.get(i).lag() >= commits.get(i - 1).lag();
    }
    return growing ? LagStatus.LAGGING : LagStatus.OK;
  }
}
