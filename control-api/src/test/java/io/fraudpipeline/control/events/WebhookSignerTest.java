package io.fraudpipeline.control.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

  @Test
  void signsLikeGitHubWebhooks() {
    // The example of GitHub's "Validating webhook deliveries" guide: receivers written for GitHub
    // verify these signatures unchanged.
    WebhookSigner signer = new WebhookSigner("It's a Secret to Everybody");

    assertThat(signer.sign("Hello, World!".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  }

  @Test
  void anotherSecretOrBodyGivesAnotherSignature() {
    byte[] body = "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
    String signature = new WebhookSigner("secret-a").sign(body);

    assertThat(new WebhookSigner("secret-b").sign(body)).isNotEqualTo(signature);
    assertThat(
            new WebhookSigner("secret-a").sign("{\"id\":\"2\"}".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(signature);
    assertThat(new WebhookSigner("secret-a").sign(body)).isEqualTo(signature);
  }

  @Test
  void neverShowsTheSecret() {
    assertThat(new WebhookSigner("s3cr3t-value").toString()).doesNotContain("s3cr3t-value");
  }

  @Test
  void refusesToSignWithoutASecret() {
    assertThatThrownBy(() -> new WebhookSigner("")).isInstanceOf(IllegalArgumentException.class);
  }
}
