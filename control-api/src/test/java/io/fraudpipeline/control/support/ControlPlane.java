package io.fraudpipeline.control.support;

import io.fraudpipeline.control.ControlApiApplication;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A control plane started the way {@code java -jar} starts it, on a random port; tests start more
 * than one (a restart) against the same Kafka and Flink.
 */
public final class ControlPlane implements AutoCloseable {

  public static final String TOKEN = "test-token-0123456789abcdef";

  private final ConfigurableApplicationContext context;
  private final ControlApiClient api;

  private ControlPlane(ConfigurableApplicationContext context) {
    this.context = context;
    this.api = new ControlApiClient("http://localhost:" + port(), TOKEN);
  }

  /** Starts against the given Flink REST URL and Kafka bootstrap servers. */
  public static ControlPlane start(String flinkRestUrl, String bootstrap, Map<String, ?> extra) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("server.port", 0);
    properties.put("fraud.flink.rest-url", flinkRestUrl);
    properties.put("spring.kafka.bootstrap-servers", bootstrap);
    properties.put("fraud.security.api-token", TOKEN);
    properties.put("fraud.flink.poll-interval", "250ms");
    // Alerts of an exactly-once job become visible on each checkpoint: keep tests quick.
    properties.put("fraud.job.checkpoint-interval", "1s");
    properties.putAll(extra);
    // As command-line arguments: they take precedence over application.yaml.
    String[] args =
        properties.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(ControlApiApplication.class).run(args);
    return new ControlPlane(context);
  }

  /** The port it serves on. */
  public int port() {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  public ControlApiClient api() {
    return api;
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  @Override
  public void close() {
    context.close();
  }
}
