package io.fraudpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryLockTest {

  @Test
  void aHeldDirectoryIsRefusedNamingItsHolderAndIsFreeAgainOnceReleased(@TempDir Path dataDir) {
    Path directory = dataDir.resolve("not-yet-created");
    try (DataDirectoryLock held = DataDirectoryLock.acquire(directory)) {
      assertThat(directory.resolve(DataDirectoryLock.FILE_NAME)).exists();
      assertThatThrownBy(() -> DataDirectoryLock.acquire(directory))
          .isInstanceOf(DataDirectoryLock.DataDirectoryInUseException.class)
          .hasMessageContaining("is in use by another local stack")
          .hasMessageContaining("pid " + ProcessHandle.current().pid())
          .hasMessageContaining("--data-dir");
    }
    DataDirectoryLock.acquire(directory).close();
  }

  @Test
  void aLockFileLeftByAStackThatDiedDoesNotBlockTheNext(@TempDir Path dataDir) throws Exception {
    Files.writeString(dataDir.resolve(DataDirectoryLock.FILE_NAME), "pid 1, started long ago");
    try (DataDirectoryLock acquired = DataDirectoryLock.acquire(dataDir)) {
      assertThat(Files.readString(dataDir.resolve(DataDirectoryLock.FILE_NAME)))
          .startsWith("pid " + ProcessHandle.current().pid() + ", started ");
    }
  }
}
