package io.fraudpipeline.localstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/development.md tells developers which tests to run: every one it names must exist. */
class DevelopmentDocTest {

  private static final Pattern TEST_CLASS = Pattern.compile("\\b([A-Z][A-Za-z0-9]*(?:Test|IT))\\b");

  @Test
  void namesOnlyTestClassesThatExist() throws IOException {
    Set<String> named = new TreeSet<>();
    Matcher m = TEST_CLASS.matcher(RepositoryFiles.text("docs/development.md"));
    while (m.find()) {
      named.add(m.group(1));
    }
    Set<String> existing = testClasses(RepositoryFiles.root());

    assertThat(named).as("test classes docs/development.md names").isNotEmpty();
    assertThat(existing).as("test classes in the repository").containsAll(named);
  }

  /** Class names under every module's src/test/java (only there: target/ may change meanwhile). */
  private static Set<String> testClasses(Path root) throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.toList()) {
        Path tests = module.resolve("src/test/java");
        if (!Files.isDirectory(tests)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(tests)) {
          files
              .map(p -> p.getFileName().toString())
              .filter(name -> name.endsWith(".java"))
              .map(name -> name.substring(0, name.length() - ".java".length()))
              .forEach(names::add);
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      }
    }
    return names;
  }
}
