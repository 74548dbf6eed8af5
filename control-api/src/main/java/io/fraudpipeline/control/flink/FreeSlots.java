package io.fraudpipeline.control.flink;

import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.flink.ClusterOverview;
import io.fraudpipeline.flink.FlinkRestClient;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Whether Flink has the task slots a job asks for, checked before anything is started or stopped:
 * on a cluster of fixed size a job without slots only waits (a deploy until its await timeout, a
 * rescale with the old job already gone, a backtest until {@code fraud.backtests.timeout}). Where
 * Flink starts TaskManagers on demand ({@code fraud.flink.slots-on-demand}) the free slots it
 * reports say nothing of what it can start, so nothing is refused.
 */
@Component
public class FreeSlots {

  private final FlinkRestClient flink;
  private final boolean onDemand;

  FreeSlots(FlinkRestClient flink, FlinkProperties properties) {
    this.flink = flink;
    this.onDemand = properties.slotsOnDemand();
  }

  /**
   * Whether Flink starts TaskManagers as jobs ask for slots ({@code fraud.flink.slots-on-demand}).
   */
  public boolean onDemand() {
    return onDemand;
  }

  /**
   * Fails with 409 unless Flink has {@code slots} free, counting those {@code freedSlots} a job
   * being replaced holds (a job of parallelism p holds p slots: one slot sharing group).
   *
   * @param what who needs them, as the refusal starts ("Parallelism 4", "A backtest ...")
   */
  public void require(int slots, int freedSlots, String what) {
    require(slots, freedSlots, 0, "", what);
  }

  /**
   * Fails with 409 unless Flink has {@code slots} free beside {@code reservedSlots} that jobs
   * accepted before (but not holding their slots yet) are about to take.
   *
   * @param reservedBy who reserved them, as the refusal says it ("backtests accepted before it …")
   */
  public void requireBeside(int slots, int reservedSlots, String reservedBy, String what) {
    require(slots, 0, reservedSlots, reservedBy, what);
  }

  private void require(
      int slots, int freedSlots, int reservedSlots, String reservedBy, String what) {
    if (onDemand) {
      return;
    }
    ClusterOverview cluster = flink.clusterOverview();
    if (slots + reservedSlots > cluster.slotsAvailable() + freedSlots) {
      throw new StateConflictException(
          what
              + " needs "
              + slots
              + " free task slots; Flink has "
              + cluster.slotsAvailable()
              + " of "
              + cluster.slotsTotal()
              + " ("
              + cluster.taskManagers()
              + " TaskManagers)"
              + (freedSlots > 0 ? ", and the job it replaces frees " + freedSlots : "")
              + (reservedSlots > 0
                  ? ", of which " + reservedSlots + " are reserved for " + reservedBy
                  : ""),
          Map.of("slots_available", cluster.slotsAvailable(), "slots_total", cluster.slotsTotal()));
    }
  }
}
