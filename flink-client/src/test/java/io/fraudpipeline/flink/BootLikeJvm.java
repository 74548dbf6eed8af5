package io.fraudpipeline.flink;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a new JVM whose system class loader sees only this launcher, and everything
 * else (the client, Flink) in a class loader of its own: how the client runs inside a Spring Boot
 * jar (control-api, local-stack), and not how it runs in these tests' JVM, where the whole test
 * classpath is on the system class loader. No Flink type here: the launcher must load without it.
 */
final class BootLikeJvm {

  private BootLikeJvm() {}

  /**
   * @return the new JVM's standard output and error, once it has ended
   */
  static String run(Class<?> mainClass, Duration timeout, String... args)
      throws IOException, InterruptedException {
    String classpath = System.getProperty("java.class.path");
    if (!classpath.contains("flink-runtime")) {
      throw new IllegalStateException("the test classpath is not in java.class.path: " + classpath);
    }
    String launcherHome = locationOf(BootLikeJvm.class).toString();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-"))
        .forEach(command::add);
    command.addAll(List.of("-cp", launcherHome, BootLikeJvm.class.getName()));
    command.add(classpath);
    command.add(mainClass.getName());
    command.addAll(Arrays.asList(args));
    Path output = Files.createTempFile("boot-like-jvm", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "no end within " + timeout + ": " + Files.readString(output, StandardCharsets.UTF_8));
      }
      return Files.readString(output, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static Path locationOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** In the new JVM: {@code <classpath> <main class> <its arguments>}. */
  public static void main(String[] args) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : args[0].split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      Thread.currentThread().setContextClassLoader(loader);
      loader
          .loadClass(args[1])
          .getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    }
  }
}
