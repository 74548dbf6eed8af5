package io.fraudpipeline.control.savepoints;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A savepoint's id is kept in the history topic and used in URLs, so it may not change between
 * builds: the expected id was computed outside Java (Python's hashlib.sha256, first 12 hex digits).
 */
class SavepointRecordTest {

  @Test
  void idIsTheStartOfThePathsSha256() {
    assertThat(SavepointRecord.idOf("file:/tmp/savepoints/savepoint-1a2b3c-0123456789ab"))
        .isEqualTo("31c1eca1df42");
  }
}
