package io.fraudpipeline.chaos.cluster;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for the cluster's JVMs: this JVM's java binary, this module's runtime classpath
 * (target/lib, where Maven copied Kafka's and Flink's jars), a log4j2 config that prints to stdout.
 *
 * @param libDir the directory of the runtime classpath's jars
 * @param log4jConfig the log4j2 configuration file of the child processes
 * @param flinkJvmOptions the {@code @argfile} of Flink's Java 17 module flags
 */
public record JavaCommand(Path libDir, Path log4jConfig, Path flinkJvmOptions) {

  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code java <jvmOptions> -cp <lib/*> <mainClass> <args>}. */
  public List<String> of(List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.add("-XX:+UseG1GC");
    command.add("-Dlog4j2.configurationFile=" + log4jConfig.toAbsolutePath());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath());
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  /** Like {@link #of}, with Flink's Java 17 module flags. */
  public List<String> flink(List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> options = new ArrayList<>();
    options.add("@" + flinkJvmOptions.toAbsolutePath());
    options.addAll(jvmOptions);
    return of(options, mainClass, args);
  }

  private String classpath() {
    if (!Files.isDirectory(libDir)) {
      throw new IllegalStateException(
          libDir + " is missing: build with ./mvnw -pl chaos -am package -DskipTests");
    }
    return libDir.toAbsolutePath() + File.separator + "*";
  }
}
