package io.fraudpipeline.model;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;

/**
 * The hot path of {@link FraudJson#parseTransaction}: reads a well-formed transaction straight off
 * Jackson's streaming parser, without data binding, and an ISO-8601 {@code ...Z} timestamp without
 * {@code DateTimeFormatter}. Every transaction of the stream goes through here, so this is where
 * the pipeline spends its CPU.
 *
 * <p>It only ever accepts what data binding accepts and yields the same values: whenever the input
 * is not plain (a wrong type, a malformed document, an odd timestamp...) it gives up and returns
 * {@code null}, and the caller reads the record again with data binding, which produces the
 * rejection reason. Invalid records are rare, so the second read costs nothing that matters, and
 * the wording of every reason stays in one place.
 */
final class TransactionReader {

  private final TokenStreamFactory factory;

  TransactionReader(TokenStreamFactory factory) {
    this.factory = factory;
  }

  /**
   * The transaction in {@code value} exactly as data binding would read it, or {@code null} when
   * this reader cannot decide (the caller then falls back to data binding).
   */
  Transaction readOrNull(byte[] value) {
    try (JsonParser p = factory.createParser(ObjectReadContext.empty(), value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String transactionId = null;
      String accountId = null;
      BigDecimal amount = null;
      String currency = null;
      String merchant = null;
      String merchantCategory = null;
      String country = null;
      Instant timestamp = null;
      int seen = 0;
      String name;
      while ((name = p.nextName()) != null) {
        JsonToken token = p.nextToken();
        int field = fieldBit(name);
        if ((seen & field) != 0) {
          // A repeated property: leave data binding's rules for it to data binding.
          return null;
        }
        seen |= field;
        switch (name) {
          case "transaction_id" -> {
            if (!isTextOrNull(token)) {
              return null;
            }
            transactionId = textOrNull(p, token);
          }
          case "account_id", "user_id" -> {
            if (!isTextOrNull(token)) {
              return null;
            }
            accountId = textOrNull(p, token);
          }
          case "amount" -> {
            if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
              amount = p.getDecimalValue();
            } else if (token == JsonToken.VALUE_NULL) {
              amount = null;
            } else {
              return null;
            }
          }
          case "currency" -> {
            if (!isTextOrNull(token)) {
              return null;
            }
            currency = textOrNull(p, token);
          }
          case "merchant" -> {
            if (!isTextOrNull(token)) {
              return null;
            }
            merchant = textOrNull(p, token);
          }
          case "merchant_category" -> {
            if (!isTextOrNull(token)) {
              return null;
            }
            merchantCategory = textOrNull(p, token);
          }
          case "country" -> {
            if (!isTextOrNull(token)) {
              return null;
            }
            country = textOrNull(p, token);
          }
          case "timestamp" -> {
            if (token == JsonToken.VALUE_NUMBER_INT) {
              timestamp = Instant.ofEpochMilli(p.getLongValue());
            } else if (token == JsonToken.VALUE_STRING) {
              timestamp = parseTimestamp(p.getString());
              if (timestamp == null) {
                return null;
              }
            } else if (token == JsonToken.VALUE_NULL) {
              timestamp = null;
            } else {
              return null;
            }
          }
          default -> p.skipChildren();
        }
      }
      // Data binding fails on anything after the object (FAIL_ON_TRAILING_TOKENS).
      if (p.nextToken() != null) {
        return null;
      }
      return new Transaction(
          transactionId,
          accountId,
          amount,
          currency,
          merchant,
          merchantCategory,
          country,
          timestamp);
    } catch (JacksonException | DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  /** One bit per property of {@link Transaction} ({@code user_id} is {@code account_id}). */
  private static int fieldBit(String name) {
    return switch (name) {
      case "transaction_id" -> 1;
      case "account_id", "user_id" -> 1 << 1;
      case "amount" -> 1 << 2;
      case "currency" -> 1 << 3;
      case "merchant" -> 1 << 4;
      case "merchant_category" -> 1 << 5;
      case "country" -> 1 << 6;
      case "timestamp" -> 1 << 7;
      default -> 0;
    };
  }

  private static boolean isTextOrNull(JsonToken token) {
    return token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NULL;
  }

  private static String textOrNull(JsonParser p, JsonToken token) {
    return token == JsonToken.VALUE_NULL ? null : p.getString();
  }

  /**
   * An ISO-8601 timestamp as {@code FraudJson} reads it: an instant ({@code ...Z}), a date and time
   * with an offset, or a local date and time taken as UTC; {@code null} when it is none of these.
   */
  static Instant parseTimestamp(String raw) {
    Instant fast = parseUtcInstantOrNull(raw);
    if (fast != null) {
      return fast;
    }
    String text = raw.trim();
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notInstant) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException notOffset) {
        try {
          return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notLocal) {
          return null;
        }
      }
    }
  }

  /**
   * The common form {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} (what {@link Instant#toString()} writes),
   * parsed by hand: {@link Instant#parse} costs several microseconds per call. Anything else,
   * including leap seconds and hour 24 that {@code Instant.parse} has special rules for, gives
   * {@code null}.
   */
  static Instant parseUtcInstantOrNull(String s) {
    int length = s.length();
    if (length < 20
        || length > 30
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || s.charAt(length - 1) != 'Z') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || month < 1
        || month > 12
        || day < 1
        || day > 31
        || hour > 23
        || minute > 59
        || second > 59) {
      return null;
    }
    int nanos = 0;
    if (length > 20) {
      int fractionDigits = length - 21;
      if (s.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
        return null;
      }
      nanos = digits(s, 20, fractionDigits);
      if (nanos < 0) {
        return null;
      }
      for (int i = fractionDigits; i < 9; i++) {
        nanos *= 10;
      }
    }
    if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal number in {@code s[from, from + count)}, or -1 if a character is not a digit. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      int digit = s.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }
}
