package io.fraudpipeline.control.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The latest events in the order the topic has them (one partition, so the same order on every
 * replica), bounded: the oldest go first. An event whose id it holds already is not added again:
 * the event log's writer tries again an event Kafka took but did not acknowledge in time, which
 * leaves it in the topic twice, a few records apart at most (the writer writes one at a time).
 */
final class EventBuffer {

  private final int capacity;
  private final Deque<PipelineEvent> events = new ArrayDeque<>();
  private final Set<String> ids = new HashSet<>();

  EventBuffer(int capacity) {
    this.capacity = capacity;
  }

  /** Adds the event; false when one with its id is held already (it is then left out). */
  synchronized boolean add(PipelineEvent event) {
    if (!ids.add(event.id())) {
      return false;
    }
    events.addLast(event);
    if (events.size() > capacity) {
      ids.remove(events.removeFirst().id());
    }
    return true;
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
