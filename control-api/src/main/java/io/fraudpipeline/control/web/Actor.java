package io.fraudpipeline.control.web;

import io.fraudpipeline.model.FieldError;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Who makes a change, as recorded with it (rules, desired state). */
public final class Actor {

  /** The optional request header naming who makes a change. */
  public static final String UPDATED_BY = "X-Updated-By";

  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._@+:-]{1,64}");

  private Actor() {}

  /** The header's name if given (never a credential), else the authenticated client's name. */
  public static String of(String updatedBy, Principal principal) {
    if (updatedBy != null) {
      String name = updatedBy.strip();
      if (!NAME.matcher(name).matches()) {
        throw new ApiException(
            ProblemType.VALIDATION,
            "Invalid header '" + UPDATED_BY + "': 1 to 64 letters, digits, spaces or ._@+:-",
            Map.of(
                "errors",
                List.of(
                    new FieldError(
                        UPDATED_BY, "must be 1 to 64 letters, digits, spaces or ._@+:-"))));
      }
      return name;
    }
    return principal == null ? "anonymous" : principal.getName();
  }
}
