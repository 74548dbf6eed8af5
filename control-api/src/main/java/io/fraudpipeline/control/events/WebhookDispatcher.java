package io.fraudpipeline.control.events;

import io.fraudpipeline.control.scheduling.Backoff;
import io.fraudpipeline.control.scheduling.DaemonThreads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the events of the configured types to every webhook URL: the event's JSON, signed (see
 * {@link WebhookSigner}), tried again with exponential backoff until a 2xx, a refusal (a 4xx other
 * than 408 and 429: the same bytes would be refused again) or the last try. {@link #offer} never
 * waits: sends are asynchronous, and beyond {@code queue-capacity} pending deliveries a new one is
 * dropped and counted. Only the replica that records an event offers it, so receivers get each
 * event once per URL (at least once: a receiver that answers too late gets it again).
 *
 * <p>Nothing here logs the secret, the signature or a URL's path and query (which often carry a
 * token): a receiver is named by scheme, host and port.
 */
final class WebhookDispatcher implements AutoCloseable {

  static final String EVENT_ID_HEADER = "X-Fraud-Event-Id";
  static final String SIGNATURE_HEADER = "X-Fraud-Signature";
  static final String TIMESTAMP_HEADER = "X-Fraud-Timestamp";
  static final String ATTEMPT_HEADER = "X-Fraud-Delivery-Attempt";

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

  /** One event on its way to one receiver. */
  private record Delivery(URI url, PipelineEvent event, byte[] body, String signature) {}

  private final WebhooksProperties properties;
  private final WebhookSigner signer;
  private final Backoff backoff;
  private final HttpClient http;
  private final Clock clock;
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("webhook-retries"));
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean dropping = new AtomicBoolean();
  private final Counter delivered;
  private final Counter failed;
  private final Counter retried;
  private final Counter dropped;

  WebhookDispatcher(
      WebhooksProperties properties, HttpClient http, Clock clock, MeterRegistry meters) {
    this.properties = properties;
    this.signer = properties.enabled() ? new WebhookSigner(properties.secret()) : null;
    this.backoff = new Backoff(properties.initialBackoff(), properties.maxBackoff());
    this.http = http;
    this.clock = clock;
    this.delivered = deliveries(meters, "delivered");
    this.failed = deliveries(meters, "failed");
    this.retried =
        Counter.builder("fraud.webhooks.retries")
            .description("Webhook tries that failed and were scheduled again")
            .register(meters);
    this.dropped =
        Counter.builder("fraud.webhooks.dropped")
            .description("Webhook deliveries dropped because too many were pending")
            .register(meters);
  }

  private static Counter deliveries(MeterRegistry meters, String outcome) {
    return Counter.builder("fraud.webhooks.deliveries")
        .description("Webhook deliveries by final outcome (one per event and URL)")
        .tag("outcome", outcome)
        .register(meters);
  }

  /** Sends the event to every URL if its type is one of the configured ones; never waits. */
  void offer(PipelineEvent event) {
    if (signer == null || !properties.types().contains(event.type())) {
      return;
    }
    byte[] body = EventJson.write(event);
    String signature = signer.sign(body);
    for (URI url : properties.urls()) {
      if (pending.incrementAndGet() > properties.queueCapacity()) {
        pending.decrementAndGet();
        dropped.increment();
        if (dropping.compareAndSet(false, true)) {
          log.warn(
              "{} webhook deliveries are pending (fraud.webhooks.queue-capacity): event {} ({}) and"
                  + " later ones are not sent to {} until they drain",
              properties.queueCapacity(),
              event.id(),
              event.reason(),
              receiver(url));
        }
        continue;
      }
      dropping.set(false);
      attempt(new Delivery(url, event, body, signature), 1);
    }
  }

  private void attempt(Delivery delivery, int attempt) {
    HttpRequest request =
        HttpRequest.newBuilder(delivery.url())
            .timeout(properties.timeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", "fraud-pipeline-control-api")
            .header(EVENT_ID_HEADER, delivery.event().id())
            .header(SIGNATURE_HEADER, delivery.signature())
            .header(TIMESTAMP_HEADER, String.valueOf(clock.instant().getEpochSecond()))
            .header(ATTEMPT_HEADER, String.valueOf(attempt))
            .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()))
            .build();
    try {
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .whenComplete((response, error) -> completed(delivery, attempt, response, error));
    } catch (RuntimeException e) {
      completed(delivery, attempt, null, e);
    }
  }

  private void completed(
      Delivery delivery, int attempt, HttpResponse<Void> response, Throwable error) {
    int status = response == null ? 0 : response.statusCode();
    if (error == null && status >= 200 && status < 300) {
      pending.decrementAndGet();
      delivered.increment();
      if (attempt > 1) {
        log.info(
            "Webhook of event {} delivered to {} on try {}",
            delivery.event().id(),
            receiver(delivery.url()),
            attempt);
      }
      return;
    }
    String why = error == null ? "HTTP " + status : describe(error);
    boolean refused =
        error == null && status >= 400 && status < 500 && status != 408 && status != 429;
    if (!refused && attempt < properties.maxAttempts()) {
      var delay = backoff.afterFailures(attempt);
      log.info(
          "Webhook of event {} to {} failed ({}), try {} of {} in {}",
          delivery.event().id(),
          receiver(delivery.url()),
          why,
          attempt + 1,
          properties.maxAttempts(),
          delay);
      retried.increment();
      try {
        retries.schedule(
            () -> attempt(delivery, attempt + 1), delay.toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (RejectedExecutionException e) {
        why = "shutting down";
      }
    }
    pending.decrementAndGet();
    failed.increment();
    log.warn(
        "Webhook of event {} ({}) to {} not delivered after {} tries: {}",
        delivery.event().id(),
        delivery.event().reason(),
        receiver(delivery.url()),
        attempt,
        why);
  }

  private static String describe(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause.getMessage() == null
        ? cause.getClass().getSimpleName()
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /** A receiver as logs name it: scheme, host and port only. */
  static String receiver(URI url) {
    return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
  }

  /** Stops retrying; deliveries still pending are lost (and said so). */
  @Override
  public void close() {
    retries.shutdownNow();
    int left = pending.get();
    if (left > 0) {
      log.warn("{} webhook deliveries were still pending at shutdown and are not sent", left);
    }
  }
}
