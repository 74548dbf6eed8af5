package io.fraudpipeline.job.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class KafkaClientClassesTest {

  @Test
  void everyClassLoadedEarlyExistsInTheKafkaClientsTheJobShips() {
    assertThat(KafkaClientClasses.NEEDED_TO_CLOSE).isNotEmpty();
    for (String name : KafkaClientClasses.NEEDED_TO_CLOSE) {
      assertThatCode(() -> Class.forName(name, false, getClass().getClassLoader()))
          .as(name)
          .doesNotThrowAnyException();
    }
  }
}
