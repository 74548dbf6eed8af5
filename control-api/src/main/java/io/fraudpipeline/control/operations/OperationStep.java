package io.fraudpipeline.control.operations;

import java.time.Instant;

/**
 * One step an operation took, as it reported it.
 *
 * @param at when
 * @param message what happened
 */
public record OperationStep(Instant at, String message) {}
