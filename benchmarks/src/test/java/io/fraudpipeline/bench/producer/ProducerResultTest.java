package io.fraudpipeline.bench.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProducerResultTest {

  @Test
  void readsTheLastSummaryOfProducerPerformance() {
    String output =
        """
        512345 records sent, 102469.0 records/sec (25.11 MB/sec), 80.2 ms avg latency, 300.0 ms max latency.
        1000000 records sent, 123456.7 records/sec (30.25 MB/sec), 60.12 ms avg latency, 412.00 ms max latency, 40 ms 50th, 150 ms 95th, 300 ms 99th, 400 ms 99.9th.
        """;
    ProducerResult result = ProducerResult.parseProducerPerformance(output);
    assertThat(result.records()).isEqualTo(1_000_000);
    assertThat(result.recordsPerSecond()).isEqualTo(123456.7);
    assertThat(result.megabytesPerSecond()).isEqualTo(30.25);
  }

  @Test
  void readsTheSyntheticProducersResultLine() {
    ProducerResult result =
        ProducerResult.parseSynthetic(
            "noise\nRESULT acknowledged=200000 failed=0 seconds=2.000000 state=COMPLETED\n",
            262.144);
    assertThat(result.recordsPerSecond()).isEqualTo(100_000);
    assertThat(result.megabytesPerSecond()).isEqualTo(25.0);
  }

  @Test
  void refusesARunWithFailedSends() {
    assertThatThrownBy(
            () ->
                ProducerResult.parseSynthetic(
                    "RESULT acknowledged=10 failed=2 seconds=1.0 state=FAILED", 100))
        .hasMessageContaining("2 failed sends");
  }

  @Test
  void readsTheGeneratorsRecordsPerSecond() {
    assertThat(
            GeneratorSpeedMain.parse(
                "log line\nGENERATOR records=500000 seconds=0.250000 bytes=108500000\n"))
        .isEqualTo(2_000_000.0);
  }
}
