package io.fraudpipeline.control.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.control.errors.VersionRequiredException;
import org.junit.jupiter.api.Test;

class IfMatchTest {

  @Test
  void matchesTheQuotedVersionOrAnyOfAList() {
    assertThat(IfMatch.parse("\"3\"").matches(3)).isTrue();
    assertThat(IfMatch.parse("\"3\"").matches(4)).isFalse();
    assertThat(IfMatch.parse("\"2\", \"4\"").matches(4)).isTrue();
    assertThat(IfMatch.parse("3").matches(3)).isTrue();
  }

  @Test
  void starMatchesAnyVersionAndWeakTagsNone() {
    assertThat(IfMatch.parse("*").matches(17)).isTrue();
    assertThat(IfMatch.parse("W/\"3\"").matches(3)).isFalse();
  }

  @Test
  void aTagThatIsNotAVersionAsTheETagWritesItMatchesNothing() {
    assertThat(IfMatch.parse("\"03\"").matches(3)).isFalse();
    assertThat(IfMatch.parse("+3").matches(3)).isFalse();
    assertThat(IfMatch.parse("\"abc\"").matches(0)).isFalse();
    assertThat(IfMatch.parse("\"abc\", \"0\"").matches(0)).isTrue();
  }

  @Test
  void anAbsentHeaderIsNoPrecondition() {
    assertThat(IfMatch.parse(null)).isNull();
    assertThat(IfMatch.parse("  ")).isNull();
    assertThat(IfMatch.etag(5)).isEqualTo("\"5\"");
  }

  @Test
  void aRequiredHeaderThatIsAbsentIsRefusedWithTheGivenMessage() {
    assertThatThrownBy(() -> IfMatch.required(" ", "say which version"))
        .isInstanceOf(VersionRequiredException.class)
        .hasMessage("say which version");
    assertThat(IfMatch.required("\"1\"", "unused").matches(1)).isTrue();
  }
}
