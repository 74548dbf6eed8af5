package io.fraudpipeline.model;

/**
 * One invalid field of a document (a rule set, a request to the control plane), named as on the
 * wire (snake_case), with what is wrong with it.
 */
public record FieldError(String field, String message) {}
