package io.fraudpipeline.producer.send;

import io.fraudpipeline.producer.generate.GeneratedRecord;
import io.fraudpipeline.producer.generate.TransactionGenerator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Draws records from the generator on a thread of its own, a few batches ahead of the sending
 * thread. Generating and encoding a record costs about a third of what sending it does, and on one
 * thread the two add up; here they overlap. The records and their order are exactly the generator's
 * (timestamps come from the sequence, not the clock), so a seed still gives the same bytes. Records
 * are handed over in batches, so the threads meet once per batch, not per record.
 */
final class PrefetchingGenerator implements AutoCloseable {

  static final int BATCH_SIZE = 256;
  private static final int BATCHES_AHEAD = 8;
  private static final long POLL_MILLIS = 50;

  private final TransactionGenerator generator;
  private final long limit;
  private final BlockingQueue<GeneratedRecord[]> ready = new ArrayBlockingQueue<>(BATCHES_AHEAD);
  private final Thread thread;
  private volatile Throwable failure;
  private GeneratedRecord[] batch;
  private int index;

  /**
   * @param limit how many records the run can use at most; no more are generated
   */
  PrefetchingGenerator(TransactionGenerator generator, long limit, String threadName) {
    this.generator = generator;
    this.limit = limit;
    this.thread = new Thread(this::fill, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  private void fill() {
    try {
      long generated = 0;
      while (generated < limit) {
        int size = (int) Math.min(BATCH_SIZE, limit - generated);
        GeneratedRecord[] next = new GeneratedRecord[size];
        for (int i = 0; i < size; i++) {
          next[i] = generator.next();
        }
        generated += size;
        ready.put(next);
      }
    } catch (InterruptedException e) {
      // Closed: the run needs no more records.
    } catch (RuntimeException | Error e) {
      failure = e;
    }
  }

  /**
   * The next record, waiting for the generating thread when it is behind.
   *
   * @throws IllegalStateException when generating failed
   */
  GeneratedRecord next() throws InterruptedException {
    if (batch == null || index == batch.length) {
      GeneratedRecord[] next;
      while ((next = ready.poll(POLL_MILLIS, TimeUnit.MILLISECONDS)) == null) {
        if (failure != null) {
          throw new IllegalStateException("generating records failed: " + failure, failure);
        }
        if (!thread.isAlive() && ready.isEmpty()) {
          throw new IllegalStateException("no more records: the run's limit was " + limit);
        }
      }
      batch = next;
      index = 0;
    }
    return batch[index++];
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
