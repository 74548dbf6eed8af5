package io.fraudpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class ThreadStacksTest {

  @Test
  void showsTheStacksOfThreadsInThePackageAndNoOthers() throws Exception {
    // An idle pool thread: only JDK frames on its stack once its task has returned.
    ExecutorService outsider =
        Executors.newSingleThreadExecutor(task -> new Thread(task, "outsider-thread"));
    try {
      outsider.submit(() -> {}).get();

      String stacks = ThreadStacks.of("io.fraudpipeline.localstack");

      assertThat(stacks)
          .contains("\"" + Thread.currentThread().getName() + "\" RUNNABLE")
          .contains("io.fraudpipeline.localstack.ThreadStacksTest.showsTheStacks")
          .doesNotContain("outsider-thread");
      assertThat(ThreadStacks.of("java.util.concurrent.ThreadPoolExecutor"))
          .contains("\"outsider-thread\" WAITING");
    } finally {
      outsider.shutdownNow();
    }
  }
}
