package io.fraudpipeline.control.json;

import io.fraudpipeline.control.errors.MalformedInputException;
import io.fraudpipeline.model.FraudJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Request bodies the services read as JSON trees themselves (to report every field's problem at
 * once, or to merge a patch): a missing or unparsable body is a malformed-input problem whose text
 * is the parser's first line, not its multi-line report with source excerpts.
 */
public final class JsonBodies {

  private static final int MAX_MESSAGE = 200;

  private JsonBodies() {}

  /** The body as a JSON tree. */
  public static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw new MalformedInputException("The request body is missing");
    }
    try {
      return FraudJson.mapper().readTree(body);
    } catch (JacksonException e) {
      throw new MalformedInputException(
          "The request body is not valid JSON: " + firstLine(e.getOriginalMessage()));
    }
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
