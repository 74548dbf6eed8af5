package io.fraudpipeline.control.json;

import io.fraudpipeline.control.errors.MalformedInputException;
import io.fraudpipeline.model.FraudJson;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Request bodies the services read as JSON trees themselves (to report every field's problem at
 * once, or to merge a patch): a missing or unparsable body is a malformed-input problem whose text
 * is the parser's first line, not its multi-line report with source excerpts.
 */
public final class JsonBodies {

  private static final int MAX_MESSAGE = 200;

  private static final Pattern NESTING =
      Pattern.compile("Document nesting depth \\(\\d+\\) exceeds the maximum allowed \\((\\d+)");

  /** ", from `StreamReadConstraints.getMaxStringLength()`" in a limit's message. */
  private static final Pattern PARSER_SETTING = Pattern.compile(", from `[^`]*`");

  private JsonBodies() {}

  /** The body as a JSON tree. */
  public static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw new MalformedInputException("The request body is missing");
    }
    try {
      // A key given twice is refused, as in the bodies Spring reads (ApiJsonConfiguration).
      return FraudJson.mapper()
          .reader()
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .readTree(body);
    } catch (JacksonException e) {
      throw new MalformedInputException("The request body is not valid JSON: " + notJsonReason(e));
    }
  }

  /**
   * Why the parser refused a body, in one line. A limit of the parser's own ({@code
   * StreamReadConstraints}) is said without naming the parser's method that sets it.
   */
  public static String notJsonReason(JacksonException e) {
    String line = firstLine(e.getOriginalMessage());
    if (!(e instanceof StreamConstraintsException)) {
      return line;
    }
    Matcher nesting = NESTING.matcher(line);
    if (nesting.lookingAt()) {
      return "nested deeper than " + nesting.group(1) + " levels";
    }
    return PARSER_SETTING.matcher(line).replaceAll("");
  }

  /**
   * What a value that could not be read as its field's type should have been, in the API's words
   * ("must be a whole number") rather than the parser's, which names Java types and classes.
   */
  public static String expectation(JacksonException e) {
    if (e instanceof InputCoercionException) {
      return "is out of range";
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      String expected = expectationOf(mismatch.getTargetType());
      if (expected != null) {
        return expected;
      }
    }
    return firstLine(e.getOriginalMessage());
  }

  /**
   * What a value of this type must look like, in the API's words; null for a type without a
   * description of its own.
   */
  public static String expectationOf(Class<?> type) {
    if (type == Boolean.class || type == boolean.class) {
      return "must be true or false";
    }
    if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
      return "must be a whole number";
    }
    if (Number.class.isAssignableFrom(type)) {
      return "must be a number";
    }
    if (type == Duration.class) {
      return "must be an ISO-8601 duration such as PT30S or PT10M";
    }
    if (type == Instant.class) {
      return "must be an ISO-8601 instant such as 2026-01-01T00:00:00Z";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "must be a JSON object";
    }
    if (type == String.class) {
      return "must be a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "must be a JSON array";
    }
    return null;
  }

  /** A parser's message as one line of at most 200 characters; empty for none. */
  public static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE) + "..." : line;
  }
}
