package io.fraudpipeline.model;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Writes a {@link Transaction} as UTF-8 JSON straight into a byte buffer, producing exactly the
 * bytes the databind writer of {@link FraudJson} produces (same field order, {@code null} fields
 * left out, amounts as plain decimals, timestamps as {@link
 * java.time.format.DateTimeFormatter#ISO_INSTANT ISO_INSTANT}, the same string escapes). It exists
 * because the synthetic producer writes hundreds of thousands of transactions per second and
 * databind (bean introspection, {@code DateTimeFormatter}) was two thirds of its generator's time.
 *
 * <p>The rare input it does not handle byte for byte (a lone UTF-16 surrogate, a year outside
 * 0000–9999, an amount scale beyond Jackson's plain-writing limit) makes {@link #tryWrite} return
 * {@code null}, and {@link FraudJson#write(Transaction)} falls back to databind, so there is one
 * output format whichever path wrote it. Thread-safe: the scratch buffer and the cached date are
 * per thread.
 */
final class TransactionJsonWriter {

  private static final byte[] TRANSACTION_ID = ascii("\"transaction_id\":");
  private static final byte[] ACCOUNT_ID = ascii("\"account_id\":");
  private static final byte[] AMOUNT = ascii("\"amount\":");
  private static final byte[] CURRENCY = ascii("\"currency\":");
  private static final byte[] MERCHANT = ascii("\"merchant\":");
  private static final byte[] MERCHANT_CATEGORY = ascii("\"merchant_category\":");
  private static final byte[] COUNTRY = ascii("\"country\":");
  private static final byte[] TIMESTAMP = ascii("\"timestamp\":");

  private static final byte[] HEX = ascii("0123456789ABCDEF");

  /**
   * Bytes of a string's UTF-8 form that the fast copy must not pass through: control characters,
   * quote and backslash need escapes, and '?' may stand for a lone surrogate the encoder replaced.
   */
  private static final boolean[] NEEDS_CARE = new boolean[256];

  static {
    for (int b = 0; b < 0x20; b++) {
      NEEDS_CARE[b] = true;
    }
    NEEDS_CARE['"'] = true;
    NEEDS_CARE['\\'] = true;
    NEEDS_CARE['?'] = true;
  }

  /** Jackson's limit on the scale of an amount written as a plain decimal. */
  private static final int MAX_PLAIN_SCALE = 9999;

  private static final int SECONDS_PER_DAY = 86_400;

  /** Epoch seconds of 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: four-digit years only. */
  private static final long MIN_FAST_SECONDS = -62_167_219_200L;

  private static final long MAX_FAST_SECONDS = 253_402_300_800L;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private TransactionJsonWriter() {}

  /** The transaction's JSON, or {@code null} when it needs the databind writer (see above). */
  static byte[] tryWrite(Transaction tx) {
    Scratch s = SCRATCH.get();
    s.reset();
    s.put((byte) '{');
    if (!s.stringField(TRANSACTION_ID, tx.transactionId())
        || !s.stringField(ACCOUNT_ID, tx.accountId())
        || !s.amountField(tx.amount())
        || !s.stringField(CURRENCY, tx.currency())
        || !s.stringField(MERCHANT, tx.merchant())
        || !s.stringField(MERCHANT_CATEGORY, tx.merchantCategory())
        || !s.stringField(COUNTRY, tx.country())
        || !s.timestampField(tx.timestamp())) {
      return null;
    }
    s.put((byte) '}');
    return Arrays.copyOf(s.buf, s.len);
  }

  private static byte[] ascii(String text) {
    byte[] bytes = new byte[text.length()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) text.charAt(i);
    }
    return bytes;
  }

  /** One thread's output buffer and the date part of the last timestamp it wrote. */
  private static final class Scratch {
    private byte[] buf = new byte[512];
    private int len;
    private boolean anyField;

    private long cachedEpochDay = Long.MIN_VALUE;
    private final byte[] cachedDate = new byte[11]; // "yyyy-MM-ddT"

    void reset() {
      len = 0;
      anyField = false;
    }

    private void ensure(int extra) {
      if (len + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
      }
    }

    void put(byte b) {
      ensure(1);
      buf[len++] = b;
    }

    private void name(byte[] name) {
      ensure(name.length + 1);
      if (anyField) {
        buf[len++] = ',';
      }
      anyField = true;
      System.arraycopy(name, 0, buf, len, name.length);
      len += name.length;
    }

    boolean stringField(byte[] name, String value) {
      if (value == null) {
        return true;
      }
      name(name);
      return string(value);
    }

    /**
     * A quoted string as Jackson writes it. Most strings need no escape: the JDK's own (intrinsic)
     * UTF-8 encoder makes their bytes, copied as they are; the rest go char by char.
     */
    private boolean string(String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      for (byte b : utf8) {
        if (NEEDS_CARE[b & 0xFF]) {
          return escapedString(value);
        }
      }
      ensure(utf8.length + 2);
      buf[len++] = '"';
      System.arraycopy(utf8, 0, buf, len, utf8.length);
      len += utf8.length;
      buf[len++] = '"';
      return true;
    }

    /** A quoted, escaped string as Jackson writes it; false on a lone surrogate. */
    private boolean escapedString(String value) {
      int n = value.length();
      // Worst case: every char a 6-byte \\u escape; quotes around.
      ensure(n * 6 + 2);
      byte[] b = buf;
      int p = len;
      b[p++] = '"';
      for (int i = 0; i < n; i++) {
        char c = value.charAt(i);
        if (c < 0x80) {
          if (c >= 0x20 && c != '"' && c != '\\') {
            b[p++] = (byte) c;
          } else {
            p = escape(b, p, c);
          }
        } else if (c < 0x800) {
          b[p++] = (byte) (0xC0 | (c >> 6));
          b[p++] = (byte) (0x80 | (c & 0x3F));
        } else if (!Character.isSurrogate(c)) {
          b[p++] = (byte) (0xE0 | (c >> 12));
          b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (c & 0x3F));
        } else {
          if (!Character.isHighSurrogate(c)
              || i + 1 >= n
              || !Character.isLowSurrogate(value.charAt(i + 1))) {
            return false;
          }
          int cp = Character.toCodePoint(c, value.charAt(++i));
          b[p++] = (byte) (0xF0 | (cp >> 18));
          b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (cp & 0x3F));
        }
      }
      b[p++] = '"';
      len = p;
      return true;
    }

    private static int escape(byte[] b, int p, char c) {
      b[p++] = '\\';
      switch (c) {
        case '"' -> b[p++] = '"';
        case '\\' -> b[p++] = '\\';
        case '\b' -> b[p++] = 'b';
        case '\t' -> b[p++] = 't';
        case '\n' -> b[p++] = 'n';
        case '\f' -> b[p++] = 'f';
        case '\r' -> b[p++] = 'r';
        default -> {
          b[p++] = 'u';
          b[p++] = '0';
          b[p++] = '0';
          b[p++] = HEX[c >> 4];
          b[p++] = HEX[c & 0xF];
        }
      }
      return p;
    }

    boolean amountField(BigDecimal amount) {
      if (amount == null) {
        return true;
      }
      if (amount.scale() > MAX_PLAIN_SCALE || amount.scale() < -MAX_PLAIN_SCALE) {
        return false;
      }
      name(AMOUNT);
      String plain = amount.toPlainString();
      int n = plain.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) plain.charAt(i);
      }
      return true;
    }

    boolean timestampField(Instant timestamp) {
      if (timestamp == null) {
        return true;
      }
      long seconds = timestamp.getEpochSecond();
      if (seconds < MIN_FAST_SECONDS || seconds >= MAX_FAST_SECONDS) {
        return false;
      }
      name(TIMESTAMP);
      // "yyyy-MM-ddTHH:mm:ss" + up to ".nnnnnnnnn" + "Z" and quotes
      ensure(32);
      long epochDay = Math.floorDiv(seconds, SECONDS_PER_DAY);
      int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
      if (epochDay != cachedEpochDay) {
        cacheDate(epochDay);
      }
      byte[] b = buf;
      int p = len;
      b[p++] = '"';
      System.arraycopy(cachedDate, 0, b, p, cachedDate.length);
      p += cachedDate.length;
      p = twoDigits(b, p, secondOfDay / 3600);
      b[p++] = ':';
      p = twoDigits(b, p, (secondOfDay / 60) % 60);
      b[p++] = ':';
      p = twoDigits(b, p, secondOfDay % 60);
      int nanos = timestamp.getNano();
      // ISO_INSTANT: no fraction when zero, else as many digits as needed in groups of three.
      if (nanos != 0) {
        b[p++] = '.';
        int digits;
        int value;
        if (nanos % 1_000_000 == 0) {
          digits = 3;
          value = nanos / 1_000_000;
        } else if (nanos % 1_000 == 0) {
          digits = 6;
          value = nanos / 1_000;
        } else {
          digits = 9;
          value = nanos;
        }
        for (int i = digits - 1; i >= 0; i--) {
          b[p + i] = (byte) ('0' + value % 10);
          value /= 10;
        }
        p += digits;
      }
      b[p++] = 'Z';
      b[p++] = '"';
      len = p;
      return true;
    }

    private void cacheDate(long epochDay) {
      // The date is computed by java.time only when the day changes, not per record.
      String date = java.time.LocalDate.ofEpochDay(epochDay).toString();
      for (int i = 0; i < 10; i++) {
        cachedDate[i] = (byte) date.charAt(i);
      }
      cachedDate[10] = 'T';
      cachedEpochDay = epochDay;
    }

    private static int twoDigits(byte[] b, int p, int value) {
      b[p] = (byte) ('0' + value / 10);
      b[p + 1] = (byte) ('0' + value % 10);
      return p + 2;
    }
  }
}
