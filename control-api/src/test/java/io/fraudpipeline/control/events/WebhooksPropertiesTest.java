package io.fraudpipeline.control.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebhooksPropertiesTest {

  private static WebhooksProperties webhooks(List<URI> urls, String secret) {
    return webhooks(urls, secret, Duration.ofHours(24));
  }

  private static WebhooksProperties webhooks(List<URI> urls, String secret, Duration maxAge) {
    return new WebhooksProperties(
        urls,
        secret,
        Set.of(PipelineEvent.Type.WARNING),
        Duration.ofSeconds(1),
        Duration.ofMinutes(1),
        Duration.ofSeconds(10),
        maxAge,
        Duration.ofMinutes(5));
  }

  @Test
  void withoutUrlsWebhooksAreOffAndNeedNoSecret() {
    assertThat(webhooks(null, null).enabled()).isFalse();
    assertThat(webhooks(List.of(), "").urls()).isEmpty();
  }

  @Test
  void urlsWithoutASecretAreRefusedAtStartUp() {
    assertThatThrownBy(() -> webhooks(List.of(URI.create("https://hooks.example/x")), " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FRAUD_WEBHOOK_SECRET");
  }

  @Test
  void onlyHttpAndHttpsUrlsAreAccepted() {
    assertThatThrownBy(() -> webhooks(List.of(URI.create("ftp://hooks.example/x")), "s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http or https");
    assertThat(webhooks(List.of(URI.create("HTTPS://hooks.example/x")), "s").enabled()).isTrue();
  }

  /** Probe 12 (P12-5): the HTTP client sends no credentials from a URL; they were dropped. */
  @Test
  void aUrlWithCredentialsIsRefusedWithoutSayingThem() {
    URI plain = URI.create("https://hooks.example/x");
    URI withCredentials = URI.create("https://alice:pw-SECRET@hooks.example/h?token=Q");

    assertThatThrownBy(() -> webhooks(List.of(plain, withCredentials), "s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("URL 2 carries credentials")
        .hasMessageNotContaining("pw-SECRET")
        .hasMessageNotContaining("alice");
    assertThat(webhooks(List.of(URI.create("https://hooks.example/h?token=Q")), "s").enabled())
        .isTrue();
  }

  @Test
  void aMaxAgeThatWouldExpireEveryEventIsRefused() {
    assertThatThrownBy(() -> webhooks(List.of(), null, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max-age");
  }

  @Test
  void aUrlListedTwiceIsRefused() {
    URI url = URI.create("https://hooks.example/x");
    assertThatThrownBy(() -> webhooks(List.of(url, url), "s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listed twice");
  }

  @Test
  void printsNeitherTheSecretNorTheUrls() {
    String printed =
        webhooks(List.of(URI.create("https://hooks.example/T000/B000/url-token")), "the-secret")
            .toString();

    assertThat(printed).doesNotContain("the-secret").doesNotContain("url-token").contains("<set>");
  }
}
