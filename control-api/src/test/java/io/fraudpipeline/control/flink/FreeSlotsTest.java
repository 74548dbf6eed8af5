package io.fraudpipeline.control.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.flink.ClusterOverview;
import io.fraudpipeline.flink.FlinkRestClient;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The decision alone; JobLifecycleTest and SlotsOnDemandTest show it on a real Flink. */
class FreeSlotsTest {

  /** One TaskManager of 4 slots, 3 of them taken: what GET /overview would say. */
  private static final FlinkRestClient ONE_FREE =
      new FlinkRestClient(URI.create("http://localhost:9"), Duration.ofSeconds(1), Duration.ZERO) {
        @Override
        public ClusterOverview clusterOverview() {
          return new ClusterOverview("2.2.1", 1, 4, 1, 1);
        }
      };

  private static FreeSlots freeSlots(boolean onDemand) {
    return new FreeSlots(
        ONE_FREE,
        new FlinkProperties(
            URI.create("http://localhost:9"),
            Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            onDemand,
            Duration.ofSeconds(1)));
  }

  @Test
  void refusesABacktestWiderThanTheFreeSlotsNamingThem() {
    assertThatThrownBy(() -> freeSlots(false).require(2, 0, "A backtest"))
        .isInstanceOf(StateConflictException.class)
        .hasMessage("A backtest needs 2 free task slots; Flink has 1 of 4 (1 TaskManagers)");
    assertThatCode(() -> freeSlots(false).require(1, 0, "A backtest")).doesNotThrowAnyException();
  }

  @Test
  void countsTheSlotsOfTheJobBeingReplaced() {
    assertThatCode(() -> freeSlots(false).require(4, 3, "Parallelism 4"))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesNothingWhereFlinkStartsTaskManagersOnDemand() {
    assertThat(freeSlots(true).onDemand()).isTrue();
    assertThatCode(() -> freeSlots(true).require(8, 0, "Parallelism 8")).doesNotThrowAnyException();
  }
}
