package io.fraudpipeline.producer.send;

/** Time that passes only when the code under test sleeps. */
final class SimulatedTicker implements Ticker {

  private volatile long now = 1_000_000_000L;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public void sleep(long nanos) {
    now += Math.max(1, nanos);
  }

  void advance(long nanos) {
    now += nanos;
  }
}
