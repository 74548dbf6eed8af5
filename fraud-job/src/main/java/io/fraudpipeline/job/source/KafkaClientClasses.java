package io.fraudpipeline.job.source;

import java.util.List;

/**
 * Loads the Kafka client classes a client first needs when it closes its connections, while the
 * job's class loader can still load them.
 *
 * <p>Kafka's clients close their connections on their own threads (the source enumerator's admin
 * client on the JobManager, the producers' and consumers' network threads on the TaskManagers), and
 * those can still be closing when Flink has closed the job's class loader. A class first needed
 * then is not found in the job jar any more; where Flink's own class path has Kafka (the local
 * stack and the control plane's tests run Flink in their JVM) it is taken from there, the access
 * across the two loaders fails ({@code IllegalAccessError}), and the client logs an error for each
 * connection it could not close, and leaves it open. Loaded early, the class is the job loader's
 * own and stays resolvable.
 */
public final class KafkaClientClasses {

  /** Loaded by Kafka's {@code Selector} at the first close of a connection, usually the last. */
  static final List<String> NEEDED_TO_CLOSE =
      List.of("org.apache.kafka.common.network.Selector$CloseMode");

  private KafkaClientClasses() {}

  /**
   * Loads them into this class's loader (the job's). Called as the job's Kafka sources' record
   * deserializers are loaded: on the JobManager, whose enumerators hold the sources, and on every
   * TaskManager running the job (each of its slots runs a transactions source subtask).
   */
  public static void load() {
    ClassLoader loader = KafkaClientClasses.class.getClassLoader();
    for (String name : NEEDED_TO_CLOSE) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException e) {
        // Another Kafka version without it: nothing to load early (KafkaClientClassesTest keeps
        // the list true for the version the job ships).
      }
    }
  }
}
