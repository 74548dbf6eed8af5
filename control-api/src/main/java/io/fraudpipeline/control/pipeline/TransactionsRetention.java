package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.savepoints.RestoreSafety;
import java.util.Map;

/**
 * What the reconciler asks Kafka about the states it restores: where a checkpoint that just
 * completed resumes {@code transactions}, and whether Kafka still has every record after a state's
 * offsets (retention may have deleted them).
 */
interface TransactionsRetention {

  /** The fraud job's committed offsets now (partition → next offset); null when unknown. */
  Map<Integer, Long> committedOffsets();

  /** Whether a state resuming at these offsets (null: unknown) loses records. */
  RestoreSafety assess(Map<Integer, Long> offsets);

  /** Knows nothing: every state's safety is unknown. */
  TransactionsRetention UNKNOWN =
      new TransactionsRetention() {
        @Override
        public Map<Integer, Long> committedOffsets() {
          return null;
        }

        @Override
        public RestoreSafety assess(Map<Integer, Long> offsets) {
          return RestoreSafety.unknown();
        }
      };
}
