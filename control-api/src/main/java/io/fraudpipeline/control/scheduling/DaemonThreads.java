package io.fraudpipeline.control.scheduling;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories of the control plane's background executors: daemon threads, so that none keeps
 * the JVM alive at shutdown, named for what they run (thread dumps and logs show it).
 */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** Every thread named {@code name}: for a single-thread executor. */
  public static ThreadFactory named(String name) {
    return r -> daemon(r, name);
  }

  /** Threads named {@code prefix-1}, {@code prefix-2}, …: for a pool. */
  public static ThreadFactory numbered(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return r -> daemon(r, prefix + "-" + count.incrementAndGet());
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
