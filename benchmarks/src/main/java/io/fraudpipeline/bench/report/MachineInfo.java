package io.fraudpipeline.bench.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine a run measured on, read from the JVM and /proc.
 *
 * @param processors processors available to the JVM ({@code nproc})
 * @param memory total memory, e.g. "23.4 GiB"
 * @param cpuModel the CPU model name
 * @param os operating system name, version and architecture
 * @param java the JVM's name and version
 * @param maxHeap the JVM's maximum heap, e.g. "4.0 GiB"
 * @param initialHeap the heap the JVM started with ({@code -Xms}), e.g. "3.0 GiB"
 * @param loadAverage the 1, 5 and 15 minute load averages at the start of the run
 */
public record MachineInfo(
    int processors,
    String memory,
    String cpuModel,
    String os,
    String java,
    String maxHeap,
    String initialHeap,
    String loadAverage) {

  public static MachineInfo current() {
    return new MachineInfo(
        Runtime.getRuntime().availableProcessors(),
        memTotal(),
        readCpuModel(),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        gib(Runtime.getRuntime().maxMemory()),
        gib(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getInit()),
        currentLoadAverage());
  }

  /** The 1, 5 and 15 minute load averages, or "unknown" off Linux. */
  public static String currentLoadAverage() {
    List<String> lines = read("/proc/loadavg");
    if (lines.isEmpty()) {
      return "unknown";
    }
    String[] parts = lines.get(0).split("\\s+");
    return parts.length >= 3 ? parts[0] + ", " + parts[1] + ", " + parts[2] : "unknown";
  }

  /** The 1-minute load average, or -1 when unknown. */
  public static double loadAverage1m() {
    List<String> lines = read("/proc/loadavg");
    if (lines.isEmpty()) {
      return -1;
    }
    try {
      return Double.parseDouble(lines.get(0).split("\\s+")[0]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String memTotal() {
    for (String line : read("/proc/meminfo")) {
      if (line.startsWith("MemTotal:")) {
        String[] parts = line.split("\\s+");
        return gib(Long.parseLong(parts[1]) * 1024);
      }
    }
    return "unknown";
  }

  private static String readCpuModel() {
    for (String line : read("/proc/cpuinfo")) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return System.getProperty("os.arch");
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }

  private static List<String> read(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
