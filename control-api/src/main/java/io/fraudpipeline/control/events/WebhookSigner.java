package io.fraudpipeline.control.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook bodies the way GitHub signs its webhooks: {@code sha256=} and the lower-case hex
 * HMAC-SHA256 of the raw body, keyed with the shared secret. Receivers verify with any HMAC library
 * and a constant-time comparison.
 */
final class WebhookSigner {

  static final String ALGORITHM = "HmacSHA256";
  static final String PREFIX = "sha256=";

  private final SecretKeySpec key;

  WebhookSigner(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("a webhook secret is required");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** The {@code X-Fraud-Signature} value of a body. */
  String sign(byte[] body) {
    try {
      // A Mac is not thread-safe and cheap to make: one per signature.
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has " + ALGORITHM, e);
    }
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "WebhookSigner[" + ALGORITHM + "]";
  }
}
