package io.fraudpipeline.producer.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.producer.generate.GeneratedRecord;
import io.fraudpipeline.producer.generate.GeneratorSettings;
import io.fraudpipeline.producer.generate.TransactionGenerator;
import org.junit.jupiter.api.Test;

class PrefetchingGeneratorTest {

  private static GeneratorSettings settings() {
    return GeneratorSettings.builder().seed(7).fraudRatio(0.2).malformedRatio(0.05).build();
  }

  @Test
  void handsOverExactlyTheGeneratorsRecordsInOrderUpToTheLimit() throws Exception {
    int limit = 3 * PrefetchingGenerator.BATCH_SIZE + 17;
    TransactionGenerator direct = new TransactionGenerator(settings());
    try (PrefetchingGenerator prefetched =
        new PrefetchingGenerator(new TransactionGenerator(settings()), limit, "test-gen")) {
      for (int i = 0; i < limit; i++) {
        GeneratedRecord expected = direct.next();
        GeneratedRecord actual = prefetched.next();
        assertThat(actual.sequence()).isEqualTo(expected.sequence());
        assertThat(actual.key()).isEqualTo(expected.key());
        assertThat(actual.value()).isEqualTo(expected.value());
        assertThat(actual.label()).isEqualTo(expected.label());
      }
      assertThatThrownBy(prefetched::next)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("limit was " + limit);
    }
  }
}
