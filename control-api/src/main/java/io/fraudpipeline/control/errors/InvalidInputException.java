package io.fraudpipeline.control.errors;

import io.fraudpipeline.model.FieldError;
import java.util.List;
import java.util.Map;

/** The input is readable but wrong: each invalid field is named, with what is wrong with it. */
public final class InvalidInputException extends DomainException {

  private final List<FieldError> errors;

  /** Every invalid field at once; the message names the one field or counts them. */
  public InvalidInputException(List<FieldError> errors) {
    super(summary(errors), Map.of("errors", List.copyOf(errors)), null);
    this.errors = List.copyOf(errors);
  }

  /** Invalid as a whole, with no single field to blame. */
  public InvalidInputException(String detail) {
    super(detail, Map.of(), null);
    this.errors = List.of();
  }

  /** The invalid fields (none when the input is invalid as a whole). */
  public List<FieldError> errors() {
    return errors;
  }

  private static String summary(List<FieldError> errors) {
    return switch (errors.size()) {
      case 0 -> "The request is invalid";
      case 1 -> "Invalid field '" + errors.get(0).field() + "': " + errors.get(0).message();
      default -> errors.size() + " fields are invalid";
    };
  }
}
