package io.fraudpipeline.bench.profile;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time this JVM (harness, Kafka broker and Flink cluster alike) spends over a window, by
 * kind of thread ({@link ThreadKinds}). Unlike JFR's execution samples, which count a thread that
 * waits for a core as busy and never see the JVM's own threads, this is CPU time as the operating
 * system counts it: Java threads from {@link ThreadMXBean}, garbage collection and JIT compiler
 * threads from {@code /proc/self/task/<tid>/schedstat} (Linux), and the process total from the
 * platform MXBean; what the Java threads, GC and JIT leave of the total (threads that ended within
 * the window, the VM thread) is {@link ThreadKinds#OTHER}.
 */
public final class CpuAccount {

  private static final Path TASKS = Path.of("/proc/self/task");

  private final Map<Long, Long> javaNanos;
  private final Map<Long, String> javaNames;
  private final Map<String, Long> jvmNanos;
  private final long processNanos;

  private CpuAccount(
      Map<Long, Long> javaNanos,
      Map<Long, String> javaNames,
      Map<String, Long> jvmNanos,
      long processNanos) {
    this.javaNanos = javaNanos;
    this.javaNames = javaNames;
    this.jvmNanos = jvmNanos;
    this.processNanos = processNanos;
  }

  /** Whether this JVM can count its GC and JIT threads' time (Linux). */
  public static boolean supported() {
    return Files.isDirectory(TASKS)
        && ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean
        && ManagementFactory.getThreadMXBean().isThreadCpuTimeSupported();
  }

  /** The CPU time every thread has used so far. */
  public static CpuAccount now() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> nanos = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(info.getThreadId());
      if (cpu >= 0) {
        nanos.put(info.getThreadId(), cpu);
        names.put(info.getThreadId(), info.getThreadName());
      }
    }
    long process =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    return new CpuAccount(nanos, names, jvmThreads(), process);
  }

  /**
   * CPU seconds spent from {@code start} to this one, by {@link ThreadKinds} kind, in the order of
   * first appearance; {@link ThreadKinds#OTHER} holds the rest of the process's time.
   */
  public Map<String, Double> secondsSince(CpuAccount start) {
    Map<String, Long> byKind = new LinkedHashMap<>();
    long attributed = 0;
    for (Map.Entry<Long, Long> thread : javaNanos.entrySet()) {
      long spent = thread.getValue() - start.javaNanos.getOrDefault(thread.getKey(), 0L);
      String kind = ThreadKinds.of(JfrProfiler.threadGroup(javaNames.get(thread.getKey())));
      byKind.merge(kind, spent, Long::sum);
      attributed += spent;
    }
    for (Map.Entry<String, Long> jvm : jvmNanos.entrySet()) {
      long spent = jvm.getValue() - start.jvmNanos.getOrDefault(jvm.getKey(), 0L);
      byKind.merge(jvm.getKey(), spent, Long::sum);
      attributed += spent;
    }
    byKind.merge(
        ThreadKinds.OTHER, Math.max(0, processNanos - start.processNanos - attributed), Long::sum);
    Map<String, Double> seconds = new LinkedHashMap<>();
    byKind.forEach((kind, spent) -> seconds.put(kind, Math.max(0, spent) / 1e9));
    return seconds;
  }

  /** The GC's and the JIT compilers' threads, which no MXBean lists: their time by kind. */
  private static Map<String, Long> jvmThreads() {
    Map<String, Long> byKind = new HashMap<>();
    if (!Files.isDirectory(TASKS)) {
      return byKind;
    }
    try (Stream<Path> tasks = Files.list(TASKS)) {
      tasks.forEach(
          task -> {
            try {
              String kind = ThreadKinds.ofJvmThread(Files.readString(task.resolve("comm")).trim());
              if (kind != null) {
                String schedstat = Files.readString(task.resolve("schedstat"));
                long onCpu = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                byKind.merge(kind, onCpu, Long::sum);
              }
            } catch (IOException | RuntimeException ended) {
              // The thread ended while being read: its time is in the process total.
            }
          });
    } catch (IOException e) {
      return byKind;
    }
    return byKind;
  }
}
