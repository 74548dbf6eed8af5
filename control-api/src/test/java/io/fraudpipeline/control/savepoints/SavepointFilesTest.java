package io.fraudpipeline.control.savepoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavepointFilesTest {

  @TempDir Path flink;

  private String written;

  @BeforeEach
  void aSavepointFlinkWrote() throws Exception {
    Path savepoint = Files.createDirectories(flink.resolve("savepoints/savepoint-abc"));
    Files.writeString(savepoint.resolve("_metadata"), "state");
    written = savepoint.toUri().toString();
  }

  @Test
  void aPathBesideAStateFlinkWroteThatHoldsNoStateIsVisiblyMissing() {
    String typo = flink.resolve("savepoints/savepoint-abd").toUri().toString();

    assertThat(SavepointFiles.visiblyMissing(typo, List.of(written)))
        .hasValueSatisfying(why -> assertThat(why).contains(typo).contains("does not exist"));
    assertThat(SavepointFiles.visiblyMissing("file:" + flink + "/savepoints/x", List.of(written)))
        .isPresent();
  }

  @Test
  void aStateItsMetadataFileOrAPlainPathToItIsAccepted() {
    assertThat(SavepointFiles.visiblyMissing(written, List.of(written))).isEmpty();
    assertThat(
            SavepointFiles.visiblyMissing(
                flink.resolve("savepoints/savepoint-abc/_metadata").toUri().toString(),
                List.of(written)))
        .isEmpty();
    assertThat(
            SavepointFiles.visiblyMissing(
                flink.resolve("savepoints/savepoint-abc").toString(), List.of(written)))
        .isEmpty();
  }

  @Test
  void nothingIsSaidWhereTheControlPlaneDoesNotSeeFlinksFiles() {
    // Another directory than any state Flink wrote, another scheme, or no state known at all.
    assertThat(SavepointFiles.visiblyMissing("file:/no/such/savepoint", List.of(written)))
        .isEmpty();
    assertThat(SavepointFiles.visiblyMissing("s3://bucket/savepoints/x", List.of(written)))
        .isEmpty();
    String typo = flink.resolve("savepoints/savepoint-abd").toUri().toString();
    assertThat(SavepointFiles.visiblyMissing(typo, List.of())).isEmpty();
    assertThat(SavepointFiles.visiblyMissing(typo, List.of("file:/elsewhere/savepoint-1")))
        .isEmpty();
  }
}
