package io.fraudpipeline.control.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.Topics;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

class TopicsPropertiesTest {

  @Test
  void applicationYamlNamesTheWireContractsTopics() throws Exception {
    StandardEnvironment environment = new StandardEnvironment();
    new YamlPropertySourceLoader()
        .load("application", new ClassPathResource("application.yaml"))
        .forEach(environment.getPropertySources()::addLast);
    TopicsProperties topics =
        new Binder(ConfigurationPropertySources.get(environment))
            .bind("fraud.topics", TopicsProperties.class)
            .get();

    assertThat(topics.transactions()).isEqualTo(Topics.TRANSACTIONS);
    assertThat(topics.fraudAlerts()).isEqualTo(Topics.FRAUD_ALERTS);
    assertThat(topics.transactionsDlq()).isEqualTo(Topics.TRANSACTIONS_DLQ);
    assertThat(topics.fraudRules()).isEqualTo(Topics.FRAUD_RULES);
  }

  @Test
  void fallsBackToTheWireContractWhenANameIsLeftOut() {
    TopicsProperties topics =
        new TopicsProperties(
            null, "", null, null, null, 1, (short) 1, null, null, null, null, null, null, null);

    assertThat(topics.transactions()).isEqualTo(Topics.TRANSACTIONS);
    assertThat(topics.fraudAlerts()).isEqualTo(Topics.FRAUD_ALERTS);
    assertThat(topics.savepoints()).isEqualTo("fraud-savepoints");
    assertThat(topics.operations()).isEqualTo("fraud-control-operations");
    assertThat(topics.events()).isEqualTo("fraud-control-events");
    assertThat(topics.leadership()).isEqualTo("fraud-control-leader");
  }
}
