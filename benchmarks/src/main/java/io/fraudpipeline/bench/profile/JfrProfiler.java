package io.fraudpipeline.bench.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Records this JVM (broker, Flink cluster and harness all live in it) with Java Flight Recorder's
 * "profile" settings while an action runs, and summarises the recording.
 */
public final class JfrProfiler {

  private static final Pattern TASK_SUFFIX = Pattern.compile("\\s*\\(\\d+/\\d+\\)(#\\d+)?");
  private static final Pattern DIGITS = Pattern.compile("\\d+");

  private JfrProfiler() {}

  /**
   * Starts recording now; {@link Recording#stop()} and {@link #stop} end it. Lets a caller profile
   * just the window it measures (not, say, the job's submission before it).
   */
  public static Recording start() throws IOException, java.text.ParseException {
    Recording recording = new Recording(Configuration.getConfiguration("profile"));
    recording.setToDisk(true);
    recording.start();
    return recording;
  }

  /** Stops the recording, writes it to {@code file} and summarises it. */
  public static Profile stop(Recording recording, Path file) throws IOException {
    try (recording) {
      recording.stop();
      recording.dump(file);
    }
    return summarise(file, 12);
  }

  /** Summarises a recording: shares of execution samples and the mean CPU load. */
  public static Profile summarise(Path file, int top) throws IOException {
    Map<String, Long> byThread = new HashMap<>();
    Map<String, Long> byMethod = new HashMap<>();
    Map<String, Long> byComponent = new HashMap<>();
    long samples = 0;
    double machine = 0;
    double jvm = 0;
    long cpuEvents = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      String type = event.getEventType().getName();
      if (type.equals("jdk.ExecutionSample")) {
        samples++;
        String thread =
            event.getThread("sampledThread") == null
                ? "unknown"
                : event.getThread("sampledThread").getJavaName();
        byThread.merge(threadGroup(thread), 1L, Long::sum);
        RecordedStackTrace stack = event.getStackTrace();
        if (stack != null && !stack.getFrames().isEmpty()) {
          byMethod.merge(method(stack.getFrames().get(0)), 1L, Long::sum);
          byComponent.merge(component(stack.getFrames()), 1L, Long::sum);
        }
      } else if (type.equals("jdk.CPULoad")) {
        cpuEvents++;
        machine += event.getFloat("machineTotal");
        jvm += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
      }
    }
    return new Profile(
        samples,
        cpuEvents == 0 ? 0 : machine / cpuEvents,
        cpuEvents == 0 ? 0 : jvm / cpuEvents,
        shares(byKind(byThread), samples, top),
        shares(byThread, samples, top),
        shares(byMethod, samples, top),
        shares(byComponent, samples, top));
  }

  private static Map<String, Long> byKind(Map<String, Long> byThread) {
    Map<String, Long> kinds = new HashMap<>();
    byThread.forEach((group, count) -> kinds.merge(ThreadKinds.of(group), count, Long::sum));
    return kinds;
  }

  /** A thread's group: its name without task indexes, numbers folded to N. */
  static String threadGroup(String threadName) {
    String name = threadName;
    int bar = name.indexOf(" | ");
    if (bar > 0) {
      name = name.substring(0, bar);
    }
    name = TASK_SUFFIX.matcher(name).replaceAll("");
    return DIGITS.matcher(name).replaceAll("N");
  }

  /**
   * Where a sample was, by library: the package (three levels) of the innermost frame that is not
   * the JDK's own, or the JDK package when the whole stack is JDK code.
   */
  static String component(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      String type = frame.getMethod().getType().getName();
      if (!isJdk(type)) {
        return packagePrefix(type, 3);
      }
    }
    return packagePrefix(frames.get(0).getMethod().getType().getName(), 3) + " (JDK)";
  }

  private static boolean isJdk(String type) {
    return type.startsWith("java.")
        || type.startsWith("javax.")
        || type.startsWith("jdk.")
        || type.startsWith("sun.")
        || type.startsWith("com.sun.");
  }

  static String packagePrefix(String type, int levels) {
    String[] parts = type.split("\\.");
    int keep = Math.min(levels, Math.max(1, parts.length - 1));
    return String.join(".", java.util.Arrays.copyOf(parts, keep));
  }

  private static String method(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static List<Profile.Share> shares(Map<String, Long> counts, long total, int top) {
    List<Profile.Share> shares = new ArrayList<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
        .limit(top)
        .forEach(
            e ->
                shares.add(
                    new Profile.Share(
                        e.getKey(), e.getValue(), total == 0 ? 0 : 100.0 * e.getValue() / total)));
    return shares;
  }
}
