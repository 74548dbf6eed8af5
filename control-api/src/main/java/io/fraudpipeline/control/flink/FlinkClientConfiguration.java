package io.fraudpipeline.control.flink;

import io.fraudpipeline.flink.FlinkRestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class FlinkClientConfiguration {

  @Bean(destroyMethod = "close")
  FlinkRestClient flinkRestClient(FlinkProperties properties) {
    try {
      return new FlinkRestClient(
          properties.restUrl(), properties.requestTimeout(), properties.submitTimeout());
    } catch (IllegalArgumentException e) {
      // Name the setting the operator has to fix.
      throw new IllegalArgumentException(
          "fraud.flink.rest-url is not a URL: " + properties.restUrl(), e);
    }
  }
}
