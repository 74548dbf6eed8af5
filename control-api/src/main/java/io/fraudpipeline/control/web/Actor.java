package io.fraudpipeline.control.web;

import io.fraudpipeline.model.FieldError;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
      String name = asSent(updatedBy).strip();
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

  /**
   * The header as the client wrote it. The servlet container reads header bytes as ISO-8859-1, so a
   * name a client sent in UTF-8 (as curl and browsers do) arrives garbled ("jÃ¼rgen"); bytes that
   * are valid UTF-8 are read again as such, anything else is kept as the container read it.
   */
  static String asSent(String header) {
    if (header.chars().allMatch(c -> c < 0x80) || header.chars().anyMatch(c -> c > 0xFF)) {
      return header;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(header.getBytes(StandardCharsets.ISO_8859_1)))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      return header;
    }
  }
}
