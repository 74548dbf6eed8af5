package io.fraudpipeline.control.web;

import java.util.Locale;
import java.util.Optional;

/**
 * What a client is told of a path refused before any controller saw it, when the refusal is one it
 * can act on without knowing the server: an encoded slash (Tomcat's rule, {@code
 * encodedSolidusHandling: reject}) or an encoded period (Spring's firewall, which refuses {@code
 * %2E} so that no encoded dot-segment, {@code %2e%2e}, is ever decoded into a path). No id of this
 * API holds a slash, and none is {@code .} or {@code ..}. Any other refusal is told by its status
 * alone.
 */
final class RefusedPaths {

  private RefusedPaths() {}

  /** The detail for a 400 answered to {@code path} (as sent, still encoded), when it is told. */
  static Optional<String> detail(String path) {
    if (path == null) {
      return Optional.empty();
    }
    String upper = path.toUpperCase(Locale.ROOT);
    if (upper.contains("%2F")) {
      return Optional.of(
          "The request path holds an encoded slash (%2F), which this API refuses: a path"
              + " parameter never holds a slash");
    }
    if (upper.contains("%2E")) {
      return Optional.of(
          "The request path holds an encoded period (%2E), which this API refuses: a path"
              + " parameter is never . or .., and a period is sent as it is");
    }
    return Optional.empty();
  }
}
