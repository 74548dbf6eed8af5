package io.fraudpipeline.producer;

import io.fraudpipeline.embedded.LocalKafka;

/**
 * One real KRaft broker for every test class of this module that needs Kafka: starting one costs
 * seconds, and the classes use distinct topics. Closed when the test JVM exits.
 */
public final class SharedKafka {

  private static LocalKafka kafka;

  private SharedKafka() {}

  public static synchronized LocalKafka get() {
    if (kafka == null) {
      LocalKafka started = LocalKafka.start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-kafka-stop"));
      kafka = started;
    }
    return kafka;
  }
}
