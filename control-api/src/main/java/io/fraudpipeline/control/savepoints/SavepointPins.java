package io.fraudpipeline.control.savepoints;

import java.util.List;

/**
 * Savepoints another part of the control plane still needs (the state a pipeline would restore
 * from, an upgrade's way back): retention never disposes of them and a delete request is refused.
 * Every bean of this type is asked.
 */
public interface SavepointPins {

  /** The savepoints needed now; a path may appear more than once. */
  List<Pin> pins();

  /**
   * @param path the savepoint's path, as in the history
   * @param reason why it is needed, for the answer to a refused delete
   */
  record Pin(String path, String reason) {}
}
