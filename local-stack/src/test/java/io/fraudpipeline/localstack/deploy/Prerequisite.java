package io.fraudpipeline.localstack.deploy;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from outside the code (an installed tool, a file). When it is missing the test
 * is skipped on a developer's machine but fails under {@code CI=true}: there nothing may pass by
 * not running.
 */
public final class Prerequisite {

  private Prerequisite() {}

  /** Skips the test, or fails it under {@code CI=true}, unless {@code met}. */
  public static void require(boolean met, String missing) {
    require(underCi(), met, missing);
  }

  /** The tool on the PATH; when absent the test is skipped, or fails under {@code CI=true}. */
  public static ExternalTool tool(String name, String install) {
    Optional<ExternalTool> tool = ExternalTool.find(name);
    require(tool.isPresent(), name + " is not installed (" + install + ")");
    return tool.orElseThrow();
  }

  static void require(boolean underCi, boolean met, String missing) {
    if (met) {
      return;
    }
    if (underCi) {
      throw new AssertionError(missing + "; under CI=true a test that cannot run fails");
    }
    Assumptions.abort(missing);
  }

  static boolean underCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }
}
