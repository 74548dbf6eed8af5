package io.fraudpipeline.control.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The API speaks JSON only. Spring registers a YAML converter because Jackson's YAML module is on
 * the classpath (springdoc's {@code /v3/api-docs.yaml} writes its own text), and through it {@code
 * Accept: application/yaml} got a second, undocumented contract: camelCase names, instants as epoch
 * seconds. Without it such a request is answered 406, as the API documents.
 */
@Configuration(proxyBeanMethods = false)
class JsonOnlyConverters implements WebMvcConfigurer {

  @Override
  public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
    builder.configureMessageConvertersList(
        converters ->
            converters.removeIf(
                // By name, not compatibility: the String and byte converters (*/*) stay.
                converter ->
                    converter.getSupportedMediaTypes().stream()
                        .anyMatch(type -> type.getSubtype().endsWith("yaml"))));
  }
}
