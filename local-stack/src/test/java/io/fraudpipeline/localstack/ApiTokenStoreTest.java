package io.fraudpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenStoreTest {

  @TempDir Path dataDir;

  @Test
  void generatesARandomTokenOnceAndKeepsItForTheNextStart() throws Exception {
    ApiTokenStore.ApiToken first = new ApiTokenStore(dataDir).resolve(Optional.empty());
    ApiTokenStore.ApiToken second = new ApiTokenStore(dataDir).resolve(Optional.empty());

    assertThat(first.source()).isEqualTo(ApiTokenStore.Source.GENERATED);
    assertThat(first.value()).matches("[0-9a-f]{64}");
    assertThat(second.source()).isEqualTo(ApiTokenStore.Source.STORED);
    assertThat(second.value()).isEqualTo(first.value());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file())))
        .isEqualTo("rw-------");
  }

  @Test
  void givenTokenWinsAndIsNotWrittenToDisk() {
    ApiTokenStore.ApiToken token =
        new ApiTokenStore(dataDir).resolve(Optional.of("from-the-environment-0123456789"));

    assertThat(token.source()).isEqualTo(ApiTokenStore.Source.GIVEN);
    assertThat(token.value()).isEqualTo("from-the-environment-0123456789");
    assertThat(dataDir.resolve(ApiTokenStore.FILE_NAME)).doesNotExist();
  }

  @Test
  void twoDataDirectoriesGetDifferentTokens(@TempDir Path other) {
    assertThat(new ApiTokenStore(dataDir).resolve(Optional.empty()).value())
        .isNotEqualTo(new ApiTokenStore(other).resolve(Optional.empty()).value());
  }

  @Test
  void neverPrintsTheTokenInToString() {
    ApiTokenStore.ApiToken token = new ApiTokenStore(dataDir).resolve(Optional.empty());

    assertThat(token.toString()).doesNotContain(token.value());
  }
}
