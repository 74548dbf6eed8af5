package io.fraudpipeline.control.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class AlwaysPresentComponentsTest {

  record Normalized(
      long count,
      List<String> items,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> tags,
      String name) {
    Normalized {
      items = items == null ? List.of() : items;
      tags = tags == null ? List.of() : tags;
    }
  }

  record Refusing(int size, List<String> items) {
    Refusing {
      Objects.requireNonNull(items);
    }
  }

  @Test
  void aMemberItsConstructorNeverLeavesNullIsAlwaysPresentUnlessWrittenOnlyWhenNotEmpty() {
    assertThat(AlwaysPresentComponents.alwaysPresent(Normalized.class))
        .containsExactly("count", "items");
  }

  @Test
  void aRecordThatCannotBeBuiltFromNothingHasOnlyItsPrimitivesAlwaysPresent() {
    assertThat(AlwaysPresentComponents.alwaysPresent(Refusing.class)).containsExactly("size");
  }
}
