package io.fraudpipeline.control.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ActorTest {

  /** How the servlet container hands over a header whose bytes the client sent. */
  private static String asContainerReadsIt(String sent, java.nio.charset.Charset clientCharset) {
    return new String(sent.getBytes(clientCharset), StandardCharsets.ISO_8859_1);
  }

  @Test
  void keepsANameSentInUtf8AsTheClientWroteIt() {
    String header = asContainerReadsIt("jürgen", StandardCharsets.UTF_8);
    assertThat(header).isEqualTo("jÃ¼rgen");

    assertThat(Actor.of(header, null)).isEqualTo("jürgen");
  }

  @Test
  void keepsANameSentInLatin1AndPlainAscii() {
    assertThat(Actor.of(asContainerReadsIt("jürgen", StandardCharsets.ISO_8859_1), null))
        .isEqualTo("jürgen");
    assertThat(Actor.of(" ops-bot@example ", null)).isEqualTo("ops-bot@example");
    assertThat(Actor.of(null, () -> "token-client")).isEqualTo("token-client");
  }

  @Test
  void refusesNamesOutsideTheAllowedCharacters() {
    assertThatThrownBy(() -> Actor.of("a;b", null)).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> Actor.of("x".repeat(65), null)).isInstanceOf(ApiException.class);
  }
}
