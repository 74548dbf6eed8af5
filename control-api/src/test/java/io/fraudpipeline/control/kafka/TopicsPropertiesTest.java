package io.fraudpipeline.control.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.model.Topics;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;

class TopicsPropertiesTest {

  /** The settings bound as at start-up: application.yaml, under what a test sets. */
  private final ApplicationContextRunner startup =
      new ApplicationContextRunner()
          .withUserConfiguration(BindsTopics.class)
          .withInitializer(
              context -> {
                try {
                  new YamlPropertySourceLoader()
                      .load("application", new ClassPathResource("application.yaml"))
                      .forEach(context.getEnvironment().getPropertySources()::addLast);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });

  @EnableConfigurationProperties(TopicsProperties.class)
  static class BindsTopics {}

  @Test
  void applicationYamlNamesTheWireContractsTopics() {
    startup.run(
        context -> {
          TopicsProperties topics = context.getBean(TopicsProperties.class);
          assertThat(topics.transactions()).isEqualTo(Topics.TRANSACTIONS);
          assertThat(topics.fraudAlerts()).isEqualTo(Topics.FRAUD_ALERTS);
          assertThat(topics.fraudAlertsShadow()).isEqualTo(Topics.FRAUD_ALERTS_SHADOW);
          assertThat(topics.transactionsDlq()).isEqualTo(Topics.TRANSACTIONS_DLQ);
          assertThat(topics.fraudRules()).isEqualTo(Topics.FRAUD_RULES);
          assertThat(topics.leadership()).isEqualTo("fraud-control-leader");
        });
  }

  @Test
  void aBlankTopicNameStopsTheStartUp() {
    startup
        .withPropertyValues("fraud.topics.fraud-alerts=")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("fraud.topics")
                  .hasMessageContaining("fraudAlerts")
                  .hasMessageContaining("must not be blank");
            });
  }
}
