package io.fraudpipeline.control.versioning;

import java.util.Set;

/**
 * The versions a change may be based on (optimistic concurrency): one of those the client read, or
 * any. A change of something whose current version is not among them is refused as stale.
 *
 * @param any whether any version will do
 * @param versions the versions the client read (none matches when empty and not {@code any})
 */
public record ExpectedVersion(boolean any, Set<Long> versions) {

  public ExpectedVersion {
    versions = Set.copyOf(versions);
  }

  public static ExpectedVersion anyVersion() {
    return new ExpectedVersion(true, Set.of());
  }

  public static ExpectedVersion oneOf(Set<Long> versions) {
    return new ExpectedVersion(false, versions);
  }

  public boolean matches(long version) {
    return any || versions.contains(version);
  }
}
