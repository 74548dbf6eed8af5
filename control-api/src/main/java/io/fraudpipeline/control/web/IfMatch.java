package io.fraudpipeline.control.web;

import io.fraudpipeline.control.errors.VersionRequiredException;
import io.fraudpipeline.control.versioning.ExpectedVersion;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code If-Match} request header of a change (rules, desired state): the entity tags of the
 * versions the client read. An ETag is the version in quotes ({@code "3"}); a bare {@code 3} is
 * accepted too, {@code *} matches any version. Weak tags never match (RFC 9110 compares strongly),
 * nor does a tag that is not a version.
 */
public final class IfMatch {

  private IfMatch() {}

  /** The versions the header names, or null when it is absent or blank. */
  public static ExpectedVersion parse(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    if (header.trim().equals("*")) {
      return ExpectedVersion.anyVersion();
    }
    Set<Long> versions = new HashSet<>();
    for (String part : header.split(",")) {
      String tag = part.trim();
      if (tag.startsWith("W/")) {
        continue;
      }
      if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
        tag = tag.substring(1, tag.length() - 1);
      }
      versionOf(tag).ifPresent(versions::add);
    }
    return ExpectedVersion.oneOf(versions);
  }

  /**
   * The versions the header names.
   *
   * @param whenAbsent what the client is told when the header is absent or blank
   * @throws VersionRequiredException when it is
   */
  public static ExpectedVersion required(String header, String whenAbsent) {
    ExpectedVersion expected = parse(header);
    if (expected == null) {
      throw new VersionRequiredException(whenAbsent);
    }
    return expected;
  }

  public static String etag(long version) {
    return "\"" + version + "\"";
  }

  /** The version a tag names: only as the ETag writes it ({@code 03} or {@code +3} is no tag). */
  private static Optional<Long> versionOf(String tag) {
    try {
      long version = Long.parseLong(tag);
      return Long.toString(version).equals(tag) ? Optional.of(version) : Optional.empty();
    } catch (NumberFormatException notAVersion) {
      return Optional.empty();
    }
  }
}
