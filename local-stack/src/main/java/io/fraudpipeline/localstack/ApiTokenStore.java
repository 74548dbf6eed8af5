package io.fraudpipeline.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The local stack's API token: generated on the first start and kept in the data directory
 * (readable by its owner only), so the token a developer exported keeps working across restarts.
 */
final class ApiTokenStore {

  static final String FILE_NAME = "api-token";
  private static final int TOKEN_BYTES = 32;

  /** Where a token came from: the banner says so. */
  enum Source {
    GIVEN,
    STORED,
    GENERATED
  }

  /** A token and its origin. {@link #toString()} never shows the value. */
  record ApiToken(String value, Source source, Path file) {
    @Override
    public String toString() {
      return "ApiToken[" + source + ", " + file + "]";
    }
  }

  private final Path file;

  ApiTokenStore(Path dataDir) {
    this.file = dataDir.resolve(FILE_NAME);
  }

  Path file() {
    return file;
  }

  /** The given token if any, else the stored one, else a new one, stored for next time. */
  ApiToken resolve(java.util.Optional<String> given) {
    if (given.isPresent()) {
      return new ApiToken(given.get(), Source.GIVEN, file);
    }
    try {
      if (Files.exists(file)) {
        String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!stored.isEmpty()) {
          return new ApiToken(stored, Source.STORED, file);
        }
      }
      String token = HexFormat.of().formatHex(randomBytes());
      write(token);
      return new ApiToken(token, Source.GENERATED, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the API token file " + file, e);
    }
  }

  private void write(String token) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
      Files.deleteIfExists(tmp); // not a POSIX file system: the directory's permissions apply
      Files.createFile(tmp);
    }
    Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[TOKEN_BYTES];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
