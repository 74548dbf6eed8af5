package io.fraudpipeline.control.events;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One try of one event to one receiver: the signed POST (see {@link WebhookSigner}) and what its
 * answer means. A 2xx delivers; a 4xx other than 408 and 429 refuses (the same bytes would be
 * refused again); anything else, or no answer within the timeout, fails and is worth another try.
 */
final class WebhookSender {

  static final String EVENT_ID_HEADER = "X-Fraud-Event-Id";
  static final String SIGNATURE_HEADER = "X-Fraud-Signature";
  static final String TIMESTAMP_HEADER = "X-Fraud-Timestamp";
  static final String ATTEMPT_HEADER = "X-Fraud-Delivery-Attempt";

  /** What one try came to. */
  enum Outcome {
    DELIVERED,
    REFUSED,
    FAILED
  }

  /**
   * @param why the status or error, for the log (never the URL's path or query)
   */
  record Answer(Outcome outcome, String why) {}

  private final WebhookSigner signer;
  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;

  WebhookSender(WebhookSigner signer, HttpClient http, Duration timeout, Clock clock) {
    this.signer = signer;
    this.http = http;
    this.timeout = timeout;
    this.clock = clock;
  }

  /** Sends the event's body; the answer never completes exceptionally. */
  CompletableFuture<Answer> send(URI url, String eventId, byte[] body, int attempt) {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "fraud-pipeline-control-api")
            .header(EVENT_ID_HEADER, eventId)
            .header(SIGNATURE_HEADER, signer.sign(body))
            .header(TIMESTAMP_HEADER, String.valueOf(clock.instant().getEpochSecond()))
            .header(ATTEMPT_HEADER, String.valueOf(attempt))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .handle((response, error) -> answer(response, error));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(answer(null, e));
    }
  }

  private static Answer answer(HttpResponse<Void> response, Throwable error) {
    if (error != null) {
      return new Answer(Outcome.FAILED, describe(error));
    }
    int status = response.statusCode();
    String why = "HTTP " + status;
    if (status >= 200 && status < 300) {
      return new Answer(Outcome.DELIVERED, why);
    }
    boolean refused = status >= 400 && status < 500 && status != 408 && status != 429;
    return new Answer(refused ? Outcome.REFUSED : Outcome.FAILED, why);
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
}
