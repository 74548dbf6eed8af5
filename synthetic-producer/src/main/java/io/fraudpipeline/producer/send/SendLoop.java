package io.fraudpipeline.producer.send;

import io.fraudpipeline.producer.generate.GeneratedRecord;
import io.fraudpipeline.producer.generate.GeneratorSettings;
import io.fraudpipeline.producer.generate.Label;
import io.fraudpipeline.producer.generate.TransactionGenerator;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * One run: a thread that paces and sends records asynchronously (a {@link PrefetchingGenerator}
 * generates them ahead on a thread of its own), with at most {@code maxInFlight} unacknowledged at
 * any time, and ends by waiting for every record in flight. The in-flight bound is the difference
 * of the counters (sent minus acknowledged and failed), so a record costs no lock or semaphore
 * hand-off between the sending thread and Kafka's I/O thread; only a loop that finds the bound
 * reached parks until a completion wakes it. The first failed record ends the run as {@link
 * RunState#FAILED}: Kafka only reports a failure after its own retries (up to {@code
 * delivery.timeout.ms}) gave up, so carrying on would mostly add more failures.
 */
final class SendLoop implements ProducerRun {

  private static final Label[] LABELS = Label.values();
  private static final long RATE_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long SLOT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final RunSettings settings;
  private final GeneratorSettings generatorSettings;
  private final TransactionGenerator generator;
  private final Producer<String, byte[]> producer;
  private final boolean ownsProducer;
  private Pacer pacer;
  private final Ticker ticker;
  private final int maxInFlight;
  private final long maxRecords;
  private final long startNanos;
  private final long durationNanos;
  private final Callback callback = this::onCompletion;
  private final CompletableFuture<RunProgress> completion = new CompletableFuture<>();

  // Written only by the loop's thread (lazySet: no fence per record); read by progress().
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLongArray sentByLabel = new AtomicLongArray(LABELS.length);
  private volatile String lastError;
  private volatile boolean stopRequested;
  private volatile RunState state = RunState.RUNNING;
  private volatile long endNanos;
  private volatile Thread parkedLoop;

  // Rate sampling, guarded by this.
  private long sampleNanos;
  private long sampleAcknowledged;
  private double currentRate;

  SendLoop(
      RunSettings settings,
      GeneratorSettings generatorSettings,
      Producer<String, byte[]> producer,
      boolean ownsProducer,
      Ticker ticker) {
    this.settings = settings;
    this.generatorSettings = generatorSettings;
    this.generator = new TransactionGenerator(generatorSettings);
    this.producer = producer;
    this.ownsProducer = ownsProducer;
    this.ticker = ticker;
    this.maxInFlight = settings.maxInFlight();
    this.maxRecords = settings.count() == null ? Long.MAX_VALUE : settings.count();
    this.durationNanos = settings.duration() == null ? -1 : saturatedNanos(settings.duration());
    this.startNanos = ticker.nanoTime();
    this.sampleNanos = startNanos;
  }

  /** Runs the loop on a new daemon thread, so an embedding service can still shut down. */
  void startThread(String name) {
    Thread thread = new Thread(this::sendAll, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** The loop itself; also callable on the current thread (tests). */
  void sendAll() {
    RunState outcome;
    try {
      outcome = sendUntilDone();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = RunState.STOPPED;
    } catch (RuntimeException | Error e) {
      lastError = describe(e);
      outcome = RunState.FAILED;
    }
    finish(outcome);
  }

  private RunState sendUntilDone() throws InterruptedException {
    String topic = settings.topic();
    // Connect and learn the topic's partitions first (or fail within max.block.ms), so that the
    // pacing starts with the first record that can actually go out.
    producer.partitionsFor(topic);
    pacer =
        settings.paced() ? Pacer.perSecond(settings.ratePerSecond(), ticker) : Pacer.unlimited();
    try (PrefetchingGenerator records =
        new PrefetchingGenerator(
            generator, maxRecords, Thread.currentThread().getName() + "-gen")) {
      return sendUntilDone(topic, records);
    }
  }

  private RunState sendUntilDone(String topic, PrefetchingGenerator records)
      throws InterruptedException {
    long sentSoFar = sent.get();
    while (true) {
      if (stopRequested) {
        return RunState.STOPPED;
      }
      if (failed.get() > 0) {
        return RunState.FAILED;
      }
      if (sentSoFar >= maxRecords || timeIsUp()) {
        return RunState.COMPLETED;
      }
      // The in-flight slot first: a pacing token taken and then left unused would be lost.
      if (sentSoFar - completed() >= maxInFlight) {
        awaitCompletion(sentSoFar);
        continue;
      }
      if (!pacer.awaitPermit(this::shouldEnd) || timeIsUp()) {
        continue;
      }
      GeneratedRecord record = records.next();
      sent.lazySet(++sentSoFar);
      int label = record.label().ordinal();
      sentByLabel.lazySet(label, sentByLabel.get(label) + 1);
      try {
        producer.send(new ProducerRecord<>(topic, record.key(), record.value()), callback);
      } catch (RuntimeException e) {
        // Kafka reports most failures through the callback; one it throws has not reached it.
        onCompletion(null, e);
      }
    }
  }

  /** Records acknowledged or failed: both only grow, so the sum never exceeds {@code sent}. */
  private long completed() {
    return failed.get() + acknowledged.get();
  }

  /**
   * Parks until a completion (or a stop) while all {@code maxInFlight} slots are taken. The loop
   * announces itself before re-checking, and a completion counts before it looks, so no wake-up is
   * lost; the timeout bounds the wait regardless.
   */
  private void awaitCompletion(long sentSoFar) throws InterruptedException {
    parkedLoop = Thread.currentThread();
    try {
      if (sentSoFar - completed() >= maxInFlight && !stopRequested && failed.get() == 0) {
        LockSupport.parkNanos(this, SLOT_WAIT_NANOS);
      }
    } finally {
      parkedLoop = null;
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  private void wakeLoop() {
    Thread loop = parkedLoop;
    if (loop != null) {
      LockSupport.unpark(loop);
    }
  }

  private boolean shouldEnd() {
    return stopRequested || failed.get() > 0 || timeIsUp();
  }

  /**
   * A duration beyond what nanoseconds hold (about 292 years) is one the run never reaches: it is
   * taken as the longest there is rather than failing the run.
   */
  static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  private boolean timeIsUp() {
    return durationNanos >= 0 && ticker.nanoTime() - startNanos >= durationNanos;
  }

  private void onCompletion(RecordMetadata metadata, Exception exception) {
    if (exception == null) {
      acknowledged.incrementAndGet();
    } else {
      lastError = describe(exception);
      failed.incrementAndGet();
    }
    wakeLoop();
  }

  private void finish(RunState outcome) {
    RunState result = outcome;
    long drainedNanos = 0;
    try {
      // flush() returns once every record sent so far is acknowledged or failed, callbacks run.
      producer.flush();
      if (!awaitNothingInFlight()) {
        lastError = "records still in flight after flush: " + progressCounts();
        result = RunState.FAILED;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lastError = "interrupted while flushing: " + progressCounts();
      result = RunState.FAILED;
    } catch (RuntimeException e) {
      lastError = describe(e);
      result = RunState.FAILED;
    } finally {
      // The run's time ends with its last record; closing the Kafka producer is teardown.
      drainedNanos = ticker.nanoTime();
      if (ownsProducer) {
        try {
          producer.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
          lastError = describe(e);
          result = RunState.FAILED;
        }
      }
    }
    if (failed.get() > 0) {
      result = RunState.FAILED;
    }
    synchronized (this) {
      endNanos = drainedNanos;
      state = result;
    }
    completion.complete(progress());
  }

  /** Waits (real time, at most {@link #CLOSE_TIMEOUT}) until every sent record completed. */
  private boolean awaitNothingInFlight() throws InterruptedException {
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    while (completed() < sent.get()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(1);
    }
    return true;
  }

  private String progressCounts() {
    return "sent " + sent.get() + ", acknowledged " + acknowledged.get() + ", failed " + failed;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  @Override
  public RunSettings settings() {
    return settings;
  }

  @Override
  public GeneratorSettings generatorSettings() {
    return generatorSettings;
  }

  @Override
  public synchronized RunProgress progress() {
    RunState current = state;
    long now = current.isFinal() ? endNanos : ticker.nanoTime();
    // Read the outcomes before the sends, so that acknowledged + failed never exceeds sent.
    long failedNow = failed.get();
    long acknowledgedNow = acknowledged.get();
    long sentNow = sent.get();
    if (now - sampleNanos >= RATE_SAMPLE_NANOS) {
      currentRate = (acknowledgedNow - sampleAcknowledged) * 1e9 / (now - sampleNanos);
      sampleNanos = now;
      sampleAcknowledged = acknowledgedNow;
    }
    Map<Label, Long> byLabel = new EnumMap<>(Label.class);
    for (Label label : LABELS) {
      long count = sentByLabel.get(label.ordinal());
      if (count > 0) {
        byLabel.put(label, count);
      }
    }
    return new RunProgress(
        current,
        sentNow,
        acknowledgedNow,
        failedNow,
        current.isFinal() ? 0.0 : currentRate,
        Duration.ofNanos(now - startNanos),
        lastError,
        byLabel);
  }

  @Override
  public void stop() {
    stopRequested = true;
    synchronized (this) {
      if (state == RunState.RUNNING) {
        state = RunState.STOPPING;
      }
    }
    wakeLoop();
  }

  @Override
  public boolean awaitCompletion(Duration timeout) throws InterruptedException {
    try {
      completion.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the run's completion failed", e.getCause());
    }
  }

  @Override
  public CompletableFuture<RunProgress> completion() {
    return completion.copy();
  }
}
