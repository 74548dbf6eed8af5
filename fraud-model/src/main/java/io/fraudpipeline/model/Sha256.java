package io.fraudpipeline.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests, as bytes or as 64 lowercase hex digits: the identity of a job jar, and the seed
 * of ids derived from text (savepoint ids, job ids).
 */
public final class Sha256 {

  private Sha256() {}

  /** The digest of the bytes. */
  public static byte[] digest(byte[] data) {
    return newDigest().digest(data);
  }

  /** The digest of the bytes, in hex. */
  public static String hex(byte[] data) {
    return HexFormat.of().formatHex(digest(data));
  }

  /** The digest of the text's UTF-8 bytes, in hex. */
  public static String hex(String text) {
    return hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The digest of the file's content, in hex; the file is streamed, not loaded whole. */
  public static String hex(Path file) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // The Java SE spec requires every JVM to provide SHA-256.
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
