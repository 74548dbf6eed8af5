package io.fraudpipeline.control.rules;

import static org.assertj.core.api.Assertions.assertThat;

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
  void anAbsentHeaderIsNoPrecondition() {
    assertThat(IfMatch.parse(null)).isNull();
    assertThat(IfMatch.parse("  ")).isNull();
    assertThat(IfMatch.etag(5)).isEqualTo("\"5\"");
  }
}
