package io.fraudpipeline.control.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Who may call what, and how much they may send.
 *
 * @param apiToken the bearer token every state-changing request must carry ({@code
 *     FRAUD_API_TOKEN}); empty means every write is refused
 * @param openReads whether GET requests under {@code /api/**} need no token
 * @param openActuator whether {@code /actuator/health}, {@code info} and {@code prometheus} need no
 *     token
 * @param openDocs whether {@code /v3/api-docs} and Swagger UI need no token
 * @param maxBodySize the largest request body accepted; a larger one is refused with 413 before it
 *     is read
 */
@ConfigurationProperties("fraud.security")
public record ApiSecurityProperties(
    String apiToken,
    boolean openReads,
    boolean openActuator,
    boolean openDocs,
    DataSize maxBodySize) {

  public boolean hasToken() {
    return apiToken != null && !apiToken.isBlank();
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "ApiSecurityProperties[apiToken="
        + (hasToken() ? "<set>" : "<none>")
        + ", openReads="
        + openReads
        + ", openActuator="
        + openActuator
        + ", openDocs="
        + openDocs
        + ", maxBodySize="
        + maxBodySize
        + "]";
  }
}
