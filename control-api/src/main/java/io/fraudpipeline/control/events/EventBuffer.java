package io.fraudpipeline.control.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * The latest events in the order the topic has them (one partition, so the same order on every
 * replica), bounded: the oldest go first.
 */
final class EventBuffer {

  private final int capacity;
  private final Deque<PipelineEvent> events = new ArrayDeque<>();

  EventBuffer(int capacity) {
    this.capacity = capacity;
  }

  synchronized void add(PipelineEvent event) {
    events.addLast(event);
    if (events.size() > capacity) {
      events.removeFirst();
    }
  }

  /** The newest events that match, newest first. */
  synchronized List<PipelineEvent> newest(EventQuery query) {
    List<PipelineEvent> result = new ArrayList<>();
    Iterator<PipelineEvent> newestFirst = events.descendingIterator();
    while (newestFirst.hasNext() && result.size() < query.limit()) {
      PipelineEvent event = newestFirst.next();
      if (query.matches(event)) {
        result.add(event);
      }
    }
    return List.copyOf(result);
  }
}
