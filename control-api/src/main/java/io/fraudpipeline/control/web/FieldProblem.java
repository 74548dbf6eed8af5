package io.fraudpipeline.control.web;

/**
 * One invalid field of a request, as listed in a validation problem's {@code errors} member.
 *
 * @param field the field's JSON name or parameter name (snake_case, dotted path)
 * @param message what is wrong with it
 */
public record FieldProblem(String field, String message) {}
