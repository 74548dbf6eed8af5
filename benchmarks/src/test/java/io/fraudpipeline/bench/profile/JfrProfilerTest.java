package io.fraudpipeline.bench.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JfrProfilerTest {

  @Test
  void foldsTaskIndexesAndNumbersOutOfThreadNames() {
    assertThat(
            JfrProfiler.threadGroup("Source: transactions-source -> validate-transactions (2/2)#0"))
        .isEqualTo("Source: transactions-source -> validate-transactions");
    assertThat(JfrProfiler.threadGroup("kafka-producer-network-thread | fraud-job-alerts-0-12"))
        .isEqualTo("kafka-producer-network-thread");
    assertThat(JfrProfiler.threadGroup("data-plane-kafka-request-handler-3"))
        .isEqualTo("data-plane-kafka-request-handler-N");
  }

  @Test
  void sortsThreadsByWhatTheyBelongTo() {
    assertThat(ThreadKinds.of("Source: transactions-source -> validate-transactions"))
        .isEqualTo(ThreadKinds.JOB_TASKS);
    assertThat(ThreadKinds.of("evaluate-rules -> alerts-sink: Writer -> alerts-sink: Committer"))
        .isEqualTo(ThreadKinds.JOB_TASKS);
    assertThat(ThreadKinds.of("data-plane-kafka-request-handler-N")).isEqualTo(ThreadKinds.BROKER);
    assertThat(ThreadKinds.of("plain-loop-N")).isEqualTo(ThreadKinds.LOOP);
  }

  @Test
  void namesTheLibraryOfAFrameByItsPackage() {
    assertThat(JfrProfiler.packagePrefix("org.apache.flink.runtime.io.network.Foo", 3))
        .isEqualTo("org.apache.flink");
    assertThat(JfrProfiler.packagePrefix("tools.jackson.core.json.Parser", 3))
        .isEqualTo("tools.jackson.core");
  }
}
