package io.fraudpipeline.control.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code If-Match} precondition of a rule change: the entity tags of the versions the client
 * read. The rules' ETag is the version in quotes ({@code "3"}); a bare {@code 3} is accepted too,
 * {@code *} matches any version. Weak tags never match (RFC 9110 compares strongly).
 */
public final class IfMatch {

  private final boolean any;
  private final List<String> tags;

  private IfMatch(boolean any, List<String> tags) {
    this.any = any;
    this.tags = tags;
  }

  /** The precondition, or null when the header is absent or blank. */
  public static IfMatch parse(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    if (header.trim().equals("*")) {
      return new IfMatch(true, List.of());
    }
    List<String> tags = new ArrayList<>();
    for (String part : header.split(",")) {
      String tag = part.trim();
      if (tag.startsWith("W/")) {
        continue;
      }
      if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
        tag = tag.substring(1, tag.length() - 1);
      }
      tags.add(tag);
    }
    return new IfMatch(false, List.copyOf(tags));
  }

  public static String etag(long version) {
    return "\"" + version + "\"";
  }

  public boolean matches(long version) {
    return any || tags.contains(Long.toString(version));
  }
}
