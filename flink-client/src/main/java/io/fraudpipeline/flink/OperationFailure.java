package io.fraudpipeline.flink;

import java.util.Optional;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.util.SerializedThrowable;

/**
 * Why Flink says an operation failed, read from the {@code failure-cause} of its answer: {@code
 * class}, {@code stack-trace} and {@code serialized-throwable}, the exception in Java's serialized
 * form. That form is read with this module's class loader (Flink's own reading uses the system
 * class loader); when it cannot be read, the stack trace's text still gives the reason.
 */
final class OperationFailure {

  private static final ClassLoader LOADER = OperationFailure.class.getClassLoader();

  private final Throwable error;
  private final String stackTrace;

  private OperationFailure(Throwable error, String stackTrace) {
    this.error = error;
    this.stackTrace = stackTrace;
  }

  /** The failure in an operation's outcome, if it has one. */
  static Optional<OperationFailure> in(JsonNode operation, String field) {
    JsonNode cause = operation.path(field);
    if (!cause.isObject()) {
      return Optional.empty();
    }
    return Optional.of(
        new OperationFailure(
            deserialize(cause.path("serialized-throwable")),
            cause.path("stack-trace").asText(cause.path("class").asText("unknown failure"))));
  }

  private static Throwable deserialize(JsonNode serialized) {
    if (!serialized.isTextual()) {
      return null;
    }
    try {
      SerializedThrowable throwable =
          InstantiationUtil.deserializeObject(serialized.binaryValue(), LOADER);
      return throwable.deserializeError(LOADER);
    } catch (Exception e) {
      return null;
    }
  }

  /** The root cause, one line: its class's simple name and its message. */
  String description() {
    return error != null ? FlinkRestClient.describe(error) : describe(stackTrace);
  }

  /** The first exception of this type in the failure's chain of causes, if it could be read. */
  <T extends Throwable> Optional<T> find(Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }

  /** Whether an exception of this type is in the failure's chain of causes. */
  boolean has(Class<? extends Throwable> type) {
    return error != null ? find(type).isPresent() : stackTrace.contains(type.getName() + ":");
  }

  /**
   * The root cause in a stack trace's text, as {@link FlinkRestClient#describe} gives it: the last
   * "Caused by:" line, or the first line, without the exception class's package.
   */
  static String describe(String stackTrace) {
    String root = null;
    for (String line : stackTrace.split("\\R")) {
      String trimmed = line.strip();
      if (root == null && !trimmed.isEmpty()) {
        root = trimmed;
      } else if (trimmed.startsWith("Caused by: ")) {
        root = trimmed.substring("Caused by: ".length());
      }
    }
    if (root == null) {
      return "unknown failure";
    }
    int colon = root.indexOf(':');
    String className = colon < 0 ? root : root.substring(0, colon);
    if (!className.contains(" ")) {
      root =
          className.substring(className.lastIndexOf('.') + 1) + root.substring(className.length());
    }
    return root.length() > 500 ? root.substring(0, 500) + "..." : root;
  }
}
