package io.fraudpipeline.job.support;

import io.fraudpipeline.embedded.LocalKafka;

/**
 * One KRaft broker for every test class of this module (they run in one JVM): each class has its
 * own topics, so sharing saves a broker start per class. Closed when the JVM exits.
 */
public final class SharedKafka {

  private static LocalKafka kafka;
  private static KafkaTestClient client;

  private SharedKafka() {}

  public static synchronized LocalKafka broker() {
    if (kafka == null) {
      kafka = LocalKafka.start();
      client = new KafkaTestClient(kafka.bootstrapServers());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    client.close();
                    kafka.close();
                  },
                  "shared-kafka-shutdown"));
    }
    return kafka;
  }

  public static synchronized KafkaTestClient client() {
    broker();
    return client;
  }
}
