package io.fraudpipeline.control.json;

import io.fraudpipeline.model.FraudJson;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadFeature;

/**
 * The API's request bodies are read as strictly as the wire contract: no value of another type
 * guessed at ({@code "parallelism": "3"} or {@code 2.5}), no key given twice (which one would win
 * is a guess too), and no NaN or Infinity where a number belongs ({@link FiniteNumbers}).
 */
@Configuration(proxyBeanMethods = false)
class ApiJsonConfiguration {

  @Bean
  JsonMapperBuilderCustomizer strictRequestBodies() {
    return builder ->
        FraudJson.strictScalars(builder)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .addModule(FiniteNumbers.module());
  }
}
