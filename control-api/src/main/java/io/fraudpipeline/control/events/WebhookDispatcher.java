package io.fraudpipeline.control.events;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Sends the events of the configured types to every webhook URL, each from its own {@link
 * WebhookDelivery} loop and thread, so a receiver that is down holds back no other. The events come
 * from the event topic, not from the replica that recorded them: every replica configured with a
 * URL runs its loop, and the URL's consumer group lets exactly one of them deliver.
 *
 * <p>Nothing here logs the secret, the signature or a URL's path and query (which often carry a
 * token): a receiver is named by scheme, host and port, and by its id in metrics and Kafka.
 */
final class WebhookDispatcher implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final List<WebhookDelivery> deliveries = new ArrayList<>();
  private final Duration stopTimeout;
  private final List<Thread> threads = new ArrayList<>();

  /**
   * @param consumers makes a consumer in the given group
   * @param stopTimeout the longest {@link #stop} waits for the loops to end
   */
  WebhookDispatcher(
      WebhooksProperties properties,
      String topic,
      Function<String, Consumer<byte[], byte[]>> consumers,
      WebhookSender sender,
      Clock clock,
      WebhookMetrics metrics,
      Duration stopTimeout) {
    this.stopTimeout = stopTimeout;
    for (URI url : properties.urls()) {
      String group = WebhookDelivery.groupId(topic, url);
      deliveries.add(
          new WebhookDelivery(
              url, topic, () -> consumers.apply(group), sender, properties, clock, metrics));
    }
  }

  @Override
  public synchronized void start() {
    if (!threads.isEmpty()) {
      return;
    }
    for (WebhookDelivery delivery : deliveries) {
      log.info(
          "Webhooks to {} are receiver {} (consumer group control-api-webhooks-{})",
          delivery.receiver(),
          delivery.id(),
          delivery.id());
      Thread thread = new Thread(delivery, "webhooks-" + delivery.id());
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
  }

  /**
   * Ends every loop; an event in flight is not committed, and the receiver's next owner sends it
   * again.
   */
  @Override
  public synchronized void stop() {
    deliveries.forEach(WebhookDelivery::stop);
    long until = System.nanoTime() + stopTimeout.toNanos();
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, (until - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        thread.interrupt();
        log.warn("{} did not stop within {}", thread.getName(), stopTimeout);
      }
    }
    threads.clear();
  }

  @Override
  public synchronized boolean isRunning() {
    return !threads.isEmpty();
  }
}
