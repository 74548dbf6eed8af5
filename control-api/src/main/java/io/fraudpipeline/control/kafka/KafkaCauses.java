package io.fraudpipeline.control.kafka;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A failed Kafka call in a few words for a log line, a health detail or a problem: the exception
 * that says why, not the future's wrapper around it, and never a bare {@code null} (a wait on a
 * future that timed out carries no message).
 */
public final class KafkaCauses {

  private KafkaCauses() {}

  public static String describe(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof ExecutionException
            || cause instanceof CompletionException
            || cause.getCause() instanceof TimeoutException)
        && cause.getCause() != null
        && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    if (message == null && cause instanceof TimeoutException) {
      message = "Kafka did not answer in time";
    }
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
