package io.fraudpipeline.localstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.junit.jupiter.api.Test;

class FlinkConfigTest {

  @Test
  void everyKeyIsACurrentFlinkOption() throws Exception {
    Map<String, String> current = new HashMap<>();
    Map<String, String> deprecated = new HashMap<>();
    for (ConfigOption<?> option : flinkCoreOptions()) {
      current.put(option.key(), option.key());
      for (FallbackKey fallback : option.fallbackKeys()) {
        deprecated.put(fallback.getKey(), option.key());
      }
    }
    List<String> problems = new ArrayList<>();
    for (String key : FlinkConfigFile.asMap().keySet()) {
      if (key.startsWith("metrics.reporter.")) {
        continue; // per-reporter keys are checked in enablesThePrometheusReporterShippedAsPlugin
      }
      if (deprecated.containsKey(key) && !current.containsKey(key)) {
        problems.add(key + " is deprecated: use " + deprecated.get(key));
      } else if (!current.containsKey(key)) {
        problems.add(key + " is not a Flink " + BuildVersions.flinkVersion() + " option");
      }
    }
    assertThat(problems).as(FlinkConfigFile.FILE).isEmpty();
  }

  @Test
  void setsProcessMemoryOrTheJobManagerRefusesToStart() {
    Configuration config = FlinkConfigFile.load();
    assertThat(config.get(JobManagerOptions.TOTAL_PROCESS_MEMORY))
        .isGreaterThan(MemorySize.parse("1g"));
    assertThat(config.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY))
        .isGreaterThan(MemorySize.parse("1g"));
    assertThat(config.get(TaskManagerOptions.NUM_TASK_SLOTS)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void carriesFlinksJava17ModuleFlagsLikeTheBuild() {
    String opts = FlinkConfigFile.asMap().get("env.java.opts.all");
    assertThat(opts).as("env.java.opts.all").isNotNull();
    assertThat(Arrays.asList(opts.trim().split("\\s+")))
        .containsExactlyInAnyOrderElementsOf(BuildVersions.flinkJvmFlags());
  }

  @Test
  void keepsCheckpointsSavepointsAndUploadsOnTheSharedVolume() {
    Configuration config = FlinkConfigFile.load();
    assertThat(config.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .startsWith("file:///flink-data/");
    assertThat(config.get(CheckpointingOptions.SAVEPOINT_DIRECTORY))
        .startsWith("file:///flink-data/");
    assertThat(config.get(WebOptions.UPLOAD_DIR)).startsWith("/flink-data/");
    assertThat(config.get(WebOptions.SUBMIT_ENABLE)).isTrue();
  }

  @Test
  void listensOnAllInterfacesInsideContainers() {
    Configuration config = FlinkConfigFile.load();
    assertThat(config.get(RestOptions.BIND_ADDRESS)).isEqualTo("0.0.0.0");
    assertThat(config.get(JobManagerOptions.BIND_HOST)).isEqualTo("0.0.0.0");
    assertThat(config.get(TaskManagerOptions.BIND_HOST)).isEqualTo("0.0.0.0");
    // Each TaskManager must announce its own container address, so no fixed host.
    assertThat(config.getOptional(TaskManagerOptions.HOST)).isEmpty();
  }

  @Test
  void enablesThePrometheusReporterShippedAsPlugin() throws Exception {
    Map<String, String> reporterKeys = new HashMap<>();
    FlinkConfigFile.asMap().entrySet().stream()
        .filter(e -> e.getKey().startsWith("metrics.reporter."))
        .forEach(e -> reporterKeys.put(e.getKey(), e.getValue()));
    assertThat(reporterKeys)
        .containsOnlyKeys("metrics.reporter.prom.factory.class", "metrics.reporter.prom.port");
    // The official image ships this factory in plugins/metrics-prometheus: configuring it is
    // enough (nothing copied into lib/). Here it must at least be the real factory class.
    Class<?> factory = Class.forName(reporterKeys.get("metrics.reporter.prom.factory.class"));
    assertThat(MetricReporterFactory.class).isAssignableFrom(factory);
    assertThat(FlinkConfigFile.prometheusReporterPort()).isBetween(1024, 65535);
  }

  /** Every {@link ConfigOption} constant declared in flink-core's configuration package. */
  private static List<ConfigOption<?>> flinkCoreOptions()
      throws IOException, URISyntaxException, ClassNotFoundException, IllegalAccessException {
    Path jar =
        Path.of(ConfigOption.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<ConfigOption<?>> options = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      for (String name :
          file.stream()
              .map(e -> e.getName())
              .filter(n -> n.startsWith("org/apache/flink/configuration/") && n.endsWith(".class"))
              .toList()) {
        Class<?> type;
        try {
          type =
              Class.forName(
                  name.replace('/', '.').substring(0, name.length() - ".class".length()),
                  false,
                  FlinkConfigTest.class.getClassLoader());
        } catch (LinkageError e) {
          continue; // a class needing an optional dependency declares no options we use
        }
        if (!Modifier.isPublic(type.getModifiers())) {
          continue;
        }
        for (Field field : type.getDeclaredFields()) {
          if (Modifier.isStatic(field.getModifiers())
              && Modifier.isPublic(field.getModifiers())
              && ConfigOption.class.isAssignableFrom(field.getType())) {
            options.add((ConfigOption<?>) field.get(null));
          }
        }
      }
    }
    return options;
  }
}
