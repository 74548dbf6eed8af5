package io.fraudpipeline.control.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Says at start-up whether writes are possible, and how to enable them; never the token. */
@Component
class ApiTokenStartupReport {

  private static final Logger log = LoggerFactory.getLogger(ApiTokenStartupReport.class);
  private static final int RECOMMENDED_LENGTH = 16;

  private final ApiSecurityProperties properties;

  ApiTokenStartupReport(ApiSecurityProperties properties) {
    this.properties = properties;
  }

  @EventListener(ApplicationReadyEvent.class)
  void report() {
    if (!properties.hasToken()) {
      log.warn(
          "No API token configured: every state-changing request (POST/PUT/PATCH/DELETE /api/**)"
              + " is refused with 403. Set the environment variable FRAUD_API_TOKEN (property"
              + " fraud.security.api-token) to a secret, e.g. `export FRAUD_API_TOKEN=$(openssl"
              + " rand -hex 32)`, and restart.");
    } else if (properties.apiToken().length() < RECOMMENDED_LENGTH) {
      log.warn(
          "The API token is shorter than {} characters; use a longer random secret.",
          RECOMMENDED_LENGTH);
    } else {
      log.info("API token configured: state-changing requests need 'Authorization: Bearer ...'.");
    }
  }
}
