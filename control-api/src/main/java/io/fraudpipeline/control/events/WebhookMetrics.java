package io.fraudpipeline.control.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The webhooks' meters. Counted by the replica that delivers to a receiver, so a sum over replicas
 * counts each delivery once; a receiver's backlog is reported by that replica, and 0 by the others
 * (take the {@code max} over replicas).
 */
final class WebhookMetrics {

  private final MeterRegistry meters;
  private final Counter delivered;
  private final Counter refused;
  private final Counter expired;
  private final Counter retried;

  WebhookMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.delivered = deliveries("delivered");
    this.refused = deliveries("refused");
    this.expired = deliveries("expired");
    this.retried =
        Counter.builder("fraud.webhooks.retries")
            .description("Webhook tries that failed and were scheduled again")
            .register(meters);
  }

  private Counter deliveries(String outcome) {
    return Counter.builder("fraud.webhooks.deliveries")
        .description("Webhook deliveries by final outcome (one per event and receiver)")
        .tag("outcome", outcome)
        .register(meters);
  }

  /**
   * @param receiver the receiver's id (never its URL)
   * @param backlog events of the topic not yet done with for this receiver
   * @param oldestAgeSeconds age of the event being tried, 0 when none
   */
  void register(String receiver, LongSupplier backlog, DoubleSupplier oldestAgeSeconds) {
    Gauge.builder("fraud.webhooks.backlog", backlog::getAsLong)
        .description("Events of the event topic this replica has yet to send to the receiver")
        .tag("receiver", receiver)
        .strongReference(true)
        .register(meters);
    Gauge.builder("fraud.webhooks.oldest.undelivered.age", oldestAgeSeconds::getAsDouble)
        .description("Age of the event this replica is trying to send to the receiver; 0 if none")
        .tag("receiver", receiver)
        .baseUnit("seconds")
        .strongReference(true)
        .register(meters);
  }

  void delivered() {
    delivered.increment();
  }

  void refused() {
    refused.increment();
  }

  void expired() {
    expired.increment();
  }

  void retried() {
    retried.increment();
  }
}
