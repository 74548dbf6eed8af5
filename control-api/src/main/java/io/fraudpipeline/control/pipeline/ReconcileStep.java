package io.fraudpipeline.control.pipeline;

import java.time.Instant;

/**
 * The reconciler's last decision, as shown in {@code GET /api/v1/pipeline}.
 *
 * @param at when it was taken
 * @param action what it did ({@code deploy}, {@code restart}, {@code suspend}, {@code replace},
 *     {@code cancel-duplicate}, {@code wait}, {@code none}...)
 * @param message why, for people
 * @param replica the replica that took it
 * @param epoch the leadership epoch it was taken under
 * @param desiredVersion the desired version it worked towards; null in a step an earlier release
 *     wrote. A request waiting for its version reads {@link PipelineStatus#recentSteps}, where a
 *     step can outlive the status's own version (a step a moment before a newer version was taken
 *     up), so each step says its own.
 */
public record ReconcileStep(
    Instant at, String action, String message, String replica, long epoch, Long desiredVersion) {

  /** A step of no known desired version, as an earlier release wrote it. */
  public ReconcileStep(Instant at, String action, String message, String replica, long epoch) {
    this(at, action, message, replica, epoch, null);
  }
}
