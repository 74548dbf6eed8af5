package io.fraudpipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FIPS 180-2 test vectors, for bytes, text and a file larger than the read buffer. */
class Sha256Test {

  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String MILLION_A =
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

  @TempDir Path dir;

  @Test
  void hashesTextAsItsUtf8Bytes() {
    assertThat(Sha256.hex("abc")).isEqualTo(ABC);
    assertThat(Sha256.hex("abc".getBytes(StandardCharsets.UTF_8))).isEqualTo(ABC);
    assertThat(Sha256.hex(""))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void digestIsTheBytesTheHexSpells() {
    byte[] digest = Sha256.digest("abc".getBytes(StandardCharsets.UTF_8));

    assertThat(digest).hasSize(32);
    assertThat(java.util.HexFormat.of().formatHex(digest)).isEqualTo(ABC);
  }

  @Test
  void hashesAFileReadInPieces() throws Exception {
    Path file = dir.resolve("million-a");
    Files.write(file, "a".repeat(1_000_000).getBytes(StandardCharsets.US_ASCII));

    assertThat(Sha256.hex(file)).isEqualTo(MILLION_A);
  }
}
