package io.fraudpipeline.control.events;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where events are pushed over HTTP. Off while {@code urls} is empty.
 *
 * @param urls the receivers; each gets every event of the chosen types (http or https, without
 *     credentials: deliveries are authenticated by their signature)
 * @param secret the HMAC-SHA256 key of the {@code X-Fraud-Signature} header ({@code
 *     FRAUD_WEBHOOK_SECRET}); required when {@code urls} is set; never logged
 * @param types the event types sent ({@code warning} by default)
 * @param initialBackoff wait after the first failed try of an event; doubled after each further one
 * @param maxBackoff the longest wait between two tries
 * @param timeout the longest one try may take (connect and answer)
 * @param maxAge an event older than this is no longer sent (counted as expired): a receiver back
 *     after a long outage is not paged for what is long over
 * @param newReceiverWindow a receiver whose consumer group has no position yet starts with the
 *     events of this last stretch of time, not with the topic's whole history
 */
@Validated
@ConfigurationProperties("fraud.webhooks")
public record WebhooksProperties(
    List<URI> urls,
    String secret,
    Set<PipelineEvent.Type> types,
    @NotNull Duration initialBackoff,
    @NotNull Duration maxBackoff,
    @NotNull Duration timeout,
    @NotNull Duration maxAge,
    @NotNull Duration newReceiverWindow) {

  public WebhooksProperties {
    urls = urls == null ? List.of() : List.copyOf(urls);
    types = types == null ? Set.of() : Set.copyOf(types);
    for (URI url : urls) {
      if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
        throw new IllegalArgumentException(
            "fraud.webhooks.urls: every URL must be http or https, not " + url.getScheme());
      }
      if (url.getRawUserInfo() != null) {
        // java.net.http sends no credentials from a URL: they would be dropped without a word.
        // The message names the URL's position only, never the credentials.
        throw new IllegalArgumentException(
            "fraud.webhooks.urls: URL "
                + (urls.indexOf(url) + 1)
                + " carries credentials (user:password@), which are not sent: receivers"
                + " authenticate deliveries by their X-Fraud-Signature (fraud.webhooks.secret);"
                + " a receiver that needs a token of its own can take it in the URL's path or query");
      }
    }
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
      // Every event would be expired before its first try.
      throw new IllegalArgumentException("fraud.webhooks.max-age must be positive");
    }
    if (urls.stream().distinct().count() < urls.size()) {
      // Both would share one consumer group, and each get only some of the events.
      throw new IllegalArgumentException("fraud.webhooks.urls: a URL is listed twice");
    }
    // Unsigned deliveries would let anyone who can reach a receiver forge events.
    if (!urls.isEmpty() && (secret == null || secret.isBlank())) {
      throw new IllegalArgumentException(
          "fraud.webhooks.urls is set but fraud.webhooks.secret (FRAUD_WEBHOOK_SECRET) is empty:"
              + " webhooks are signed, set a random secret shared with the receivers");
    }
  }

  public boolean enabled() {
    return !urls.isEmpty();
  }

  /** Never prints the secret, nor the URLs (their paths often carry a token). */
  @Override
  public String toString() {
    return "WebhooksProperties[urls="
        + urls.size()
        + ", secret="
        + (secret == null || secret.isBlank() ? "<none>" : "<set>")
        + ", types="
        + types
        + ", initialBackoff="
        + initialBackoff
        + ", maxBackoff="
        + maxBackoff
        + ", timeout="
        + timeout
        + ", maxAge="
        + maxAge
        + ", newReceiverWindow="
        + newReceiverWindow
        + "]";
  }
}
