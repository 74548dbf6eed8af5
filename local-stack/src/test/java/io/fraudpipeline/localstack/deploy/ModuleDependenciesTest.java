package io.fraudpipeline.localstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker and cluster stay out of production artifacts: only the developer tools
 * (local-stack, the launcher, benchmarks and chaos, the harnesses) depend on embedded-cluster
 * outside tests.
 */
class ModuleDependenciesTest {

  private static final Pattern DEPENDENCY =
      Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

  private static final List<String> DEVELOPER_TOOLS =
      List.of("local-stack", "embedded-cluster", "benchmarks", "chaos");

  @Test
  void onlyDeveloperToolsShipTheEmbeddedBrokerAndCluster() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path pom : modulePoms()) {
      String module = pom.getParent().getFileName().toString();
      if (DEVELOPER_TOOLS.contains(module)) {
        continue;
      }
      Matcher dependency = DEPENDENCY.matcher(withoutDependencyManagement(Files.readString(pom)));
      while (dependency.find()) {
        String body = dependency.group(1);
        boolean embedded =
            body.contains("<artifactId>embedded-cluster</artifactId>")
                || body.contains("<artifactId>local-stack</artifactId>");
        if (embedded && !body.contains("<scope>test</scope>")) {
          problems.add(module + " depends on " + body.replaceAll("\\s+", " ").trim());
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  private static List<Path> modulePoms() throws IOException {
    try (Stream<Path> dirs = Files.list(RepositoryFiles.root())) {
      return dirs.map(d -> d.resolve("pom.xml")).filter(Files::exists).toList();
    }
  }

  private static String withoutDependencyManagement(String pom) {
    return pom.replaceAll("(?s)<dependencyManagement>.*?</dependencyManagement>", "");
  }
}
