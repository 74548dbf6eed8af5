package io.fraudpipeline.control.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiTokenVerifierTest {

  @Test
  void acceptsOnlyTheConfiguredToken() {
    ApiTokenVerifier verifier = new ApiTokenVerifier("s3cret-token-value");

    assertThat(verifier.isConfigured()).isTrue();
    assertThat(verifier.matches("s3cret-token-value")).isTrue();
    assertThat(verifier.matches("s3cret-token-valuE")).isFalse();
    assertThat(verifier.matches("s3cret")).isFalse();
    assertThat(verifier.matches("")).isFalse();
    assertThat(verifier.matches(null)).isFalse();
  }

  @Test
  void acceptsNothingWhenNoTokenIsConfigured() {
    for (String none : new String[] {null, "", "  "}) {
      ApiTokenVerifier verifier = new ApiTokenVerifier(none);
      assertThat(verifier.isConfigured()).isFalse();
      assertThat(verifier.matches("")).isFalse();
      assertThat(verifier.matches("  ")).isFalse();
    }
  }
}
