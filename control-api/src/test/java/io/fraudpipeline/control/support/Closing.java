package io.fraudpipeline.control.support;

/** The end of a test class's real components: control planes, Flink, Kafka, receivers. */
public final class Closing {

  private Closing() {}

  /**
   * Closes each resource in the order given (callers name the last started first), skipping those
   * never started (null); one failing to close does not keep the others open.
   */
  public static void inOrder(AutoCloseable... resources) throws Exception {
    Exception first = null;
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
