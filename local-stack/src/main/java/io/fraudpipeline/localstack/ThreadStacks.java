package io.fraudpipeline.localstack;

import java.util.Arrays;
import java.util.Map;

/** The stacks of this JVM's threads, for a log line that says why something hangs. */
final class ThreadStacks {

  private ThreadStacks() {}

  /**
   * Every live thread with a frame of a class under {@code packagePrefix}, with its state and
   * stack.
   */
  static String of(String packagePrefix) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
      StackTraceElement[] stack = entry.getValue();
      if (Arrays.stream(stack).noneMatch(frame -> frame.getClassName().startsWith(packagePrefix))) {
        continue;
      }
      Thread thread = entry.getKey();
      out.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
      for (StackTraceElement frame : stack) {
        out.append("    at ").append(frame).append('\n');
      }
    }
    return out.toString();
  }
}
