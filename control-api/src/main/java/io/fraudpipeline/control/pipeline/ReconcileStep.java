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
 */
public record ReconcileStep(
    Instant at, String action, String message, String replica, long epoch) {}
