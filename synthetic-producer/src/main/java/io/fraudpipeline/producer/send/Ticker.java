package io.fraudpipeline.producer.send;

import java.util.concurrent.locks.LockSupport;

/**
 * The time source and sleeper a run paces itself with. Injectable so that a test can drive pacing
 * and duration bounds with a simulated clock instead of sleeping.
 */
public interface Ticker {

  /** A monotonic time in nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Waits about this long; may return early. */
  void sleep(long nanos) throws InterruptedException;

  /** The system's monotonic clock; sleeps by parking the thread. */
  Ticker SYSTEM =
      new Ticker() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
          LockSupport.parkNanos(nanos);
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
        }
      };
}
