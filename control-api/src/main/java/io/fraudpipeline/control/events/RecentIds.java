package io.fraudpipeline.control.events;

import java.util.LinkedHashSet;
import java.util.Set;

/** The last ids seen, at most a given number, the oldest forgotten first. Not thread-safe. */
final class RecentIds {

  private final int capacity;
  private final Set<String> ids = new LinkedHashSet<>();

  RecentIds(int capacity) {
    this.capacity = capacity;
  }

  boolean contains(String id) {
    return ids.contains(id);
  }

  void add(String id) {
    if (ids.add(id) && ids.size() > capacity) {
      ids.remove(ids.iterator().next());
    }
  }
}
