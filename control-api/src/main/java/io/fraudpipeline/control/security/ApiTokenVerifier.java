package io.fraudpipeline.control.security;

import io.fraudpipeline.model.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks a presented bearer token against the configured one in constant time. Both are hashed
 * first, so neither the content nor the length of the secret leaks through timing.
 */
public final class ApiTokenVerifier {

  private final byte[] expectedDigest;

  public ApiTokenVerifier(String configuredToken) {
    this.expectedDigest =
        configuredToken == null || configuredToken.isBlank() ? null : sha256(configuredToken);
  }

  /** Whether a token is configured at all; without one every write is refused. */
  public boolean isConfigured() {
    return expectedDigest != null;
  }

  public boolean matches(String presentedToken) {
    if (expectedDigest == null || presentedToken == null) {
      return false;
    }
    return MessageDigest.isEqual(expectedDigest, sha256(presentedToken));
  }

  private static byte[] sha256(String value) {
    return Sha256.digest(value.getBytes(StandardCharsets.UTF_8));
  }
}
