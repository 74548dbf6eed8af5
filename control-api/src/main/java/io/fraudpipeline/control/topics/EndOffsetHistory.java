package io.fraudpipeline.control.topics;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples of one partition's end offset over time, to estimate how old an offset is: the method of
 * kafka-lag-exporter. The time at which the end offset passed a consumer's offset is interpolated
 * between the two samples around it; the lag in seconds is the time since.
 *
 * <p>A run of samples with the same offset keeps only its first and last point, so an idle topic
 * costs two points and the estimate knows when the idle stretch ended.
 */
final class EndOffsetHistory {

  private record Point(long offset, long atMillis) {}

  private final int capacity;
  private final List<Point> points = new ArrayList<>();

  EndOffsetHistory(int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity must be at least 2, got " + capacity);
    }
    this.capacity = capacity;
  }

  void add(long offset, long atMillis) {
    int size = points.size();
    if (size > 0 && offset < points.get(size - 1).offset()) {
      // The topic was recreated or truncated: older points describe another log.
      points.clear();
      size = 0;
    }
    if (size >= 2
        && points.get(size - 1).offset() == offset
        && points.get(size - 2).offset() == offset) {
      points.remove(size - 1);
    }
    points.add(new Point(offset, atMillis));
    if (points.size() > capacity) {
      points.remove(0);
    }
  }

  int size() {
    return points.size();
  }

  /**
   * Seconds since the end offset passed {@code offset}, i.e. the estimated age of the record at
   * {@code offset}; 0 when {@code offset} is at or beyond the latest end; null without samples.
   */
  Double lagSeconds(long offset, long nowMillis) {
    if (points.isEmpty()) {
      return null;
    }
    Point latest = points.get(points.size() - 1);
    if (offset >= latest.offset()) {
      return 0.0;
    }
    double producedAt = producedAt(offset);
    return Math.max(0.0, (nowMillis - producedAt) / 1000.0);
  }

  private double producedAt(long offset) {
    int left = -1;
    for (int i = points.size() - 1; i >= 0; i--) {
      if (points.get(i).offset() <= offset) {
        left = i;
        break;
      }
    }
    if (left >= 0) {
      // left is the last sample whose end had not yet passed the offset; the next one had.
      return interpolate(points.get(left), points.get(left + 1), offset);
    }
    // Older than every sample: extrapolate with the average rate over the whole history.
    Point first = points.get(0);
    Point last = points.get(points.size() - 1);
    if (last.offset() > first.offset() && last.atMillis() > first.atMillis()) {
      return interpolate(first, last, offset);
    }
    return first.atMillis();
  }

  private static double interpolate(Point a, Point b, long offset) {
    double fraction = (double) (offset - a.offset()) / (b.offset() - a.offset());
    return a.atMillis() + fraction * (b.atMillis() - a.atMillis());
  }
}
