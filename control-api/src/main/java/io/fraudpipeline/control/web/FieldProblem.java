package io.fraudpipeline.control.web;

import java.util.List;

/**
 * One invalid field of a request, as listed in a validation problem's {@code errors} member.
 *
 * @param field the field's JSON name or parameter name (snake_case, dotted path)
 * @param message what is wrong with it
 */
public record FieldProblem(String field, String message) {

  /** The problem's detail line: the one invalid field in full, or how many there are. */
  public static String summary(List<FieldProblem> errors) {
    return switch (errors.size()) {
      case 0 -> "The request is invalid";
      case 1 -> "Invalid field '" + errors.get(0).field() + "': " + errors.get(0).message();
      default -> errors.size() + " fields are invalid";
    };
  }
}
