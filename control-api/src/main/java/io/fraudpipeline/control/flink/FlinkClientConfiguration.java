package io.fraudpipeline.control.flink;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class FlinkClientConfiguration {

  @Bean(destroyMethod = "close")
  FlinkRestClient flinkRestClient(FlinkProperties properties) {
    return new FlinkRestClient(properties);
  }
}
