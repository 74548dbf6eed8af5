package io.fraudpipeline.bench;

import java.util.Locale;

/** Progress lines on standard output, with the time since the run started. */
public final class Progress {

  private static final long START = System.nanoTime();

  private Progress() {}

  public static void say(String format, Object... args) {
    double seconds = (System.nanoTime() - START) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "[%4d:%02d] %s%n",
        (long) seconds / 60,
        (long) seconds % 60,
        format(format, args));
    System.out.flush();
  }

  private static String format(String format, Object... args) {
    return args.length == 0 ? format : String.format(Locale.ROOT, format, args);
  }
}
