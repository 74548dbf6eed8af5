package io.fraudpipeline.localstack.deploy;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Versions and flags the root pom fixes for the build, which the deployment files must match. */
final class BuildVersions {

  private BuildVersions() {}

  static String flinkVersion() {
    return property("flink.version");
  }

  static String kafkaVersion() {
    return property("kafka.version");
  }

  /** Flink's Java 17 {@code --add-opens/--add-exports} list, one flag per element. */
  static List<String> flinkJvmFlags() {
    return Arrays.asList(property("flink.jvm.flags").trim().split("\\s+"));
  }

  private static String property(String name) {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">")
            .matcher(RepositoryFiles.text("pom.xml"));
    if (!m.find()) {
      throw new AssertionError("root pom.xml has no property " + name);
    }
    return m.group(1).trim();
  }
}
