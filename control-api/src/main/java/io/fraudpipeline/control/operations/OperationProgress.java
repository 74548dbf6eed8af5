package io.fraudpipeline.control.operations;

/**
 * How far an operation got.
 *
 * @param done units done so far
 * @param total units to do in all; null when not known
 * @param unit what is counted, e.g. {@code records}
 */
public record OperationProgress(long done, Long total, String unit) {}
