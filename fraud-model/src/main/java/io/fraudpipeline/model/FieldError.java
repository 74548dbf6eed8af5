package io.fraudpipeline.model;

/** One invalid field of a rule set, named as on the wire (snake_case). */
public record FieldError(String field, String message) {}
