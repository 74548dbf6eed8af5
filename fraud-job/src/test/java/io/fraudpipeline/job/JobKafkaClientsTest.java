package io.fraudpipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fraudpipeline.job.sink.KafkaSinks;
import io.fraudpipeline.job.source.KafkaSources;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Properties;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.junit.jupiter.api.Test;

/**
 * The job's Kafka sources and sinks carry the job's request timeout: with Kafka's default (30 s) a
 * frozen broker holds the sinks' flush, and so every checkpoint and every alert, for that long.
 */
class JobKafkaClientsTest {

  private static final FraudJobParameters PARAMS =
      FraudJobParameters.fromArgs(new String[] {"--kafka-request-timeout", "6000"});

  @Test
  void everySinkProducerHasTheJobsRequestTimeout() throws Exception {
    for (KafkaSink<?> sink :
        List.of(
            KafkaSinks.alerts(PARAMS),
            KafkaSinks.velocityAlerts(PARAMS),
            KafkaSinks.aggregateAlerts(PARAMS),
            KafkaSinks.deadLetters(PARAMS))) {
      assertThat(properties(sink, "kafkaProducerConfig"))
          .containsEntry("request.timeout.ms", "6000");
    }
  }

  @Test
  void bothSourcesHaveTheJobsRequestTimeout() throws Exception {
    for (KafkaSource<?> source :
        List.of(KafkaSources.transactions(PARAMS), KafkaSources.rules(PARAMS))) {
      assertThat(properties(source, "props")).containsEntry("request.timeout.ms", "6000");
    }
  }

  /** The connector keeps the client properties private; reading them is the only way to look. */
  private static Properties properties(Object connector, String field) throws Exception {
    Field f = connector.getClass().getDeclaredField(field);
    f.setAccessible(true);
    return (Properties) f.get(connector);
  }
}
