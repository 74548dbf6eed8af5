package io.fraudpipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * The one JSON codec of the wire contract: snake_case, UTF-8, unknown fields ignored, timestamps
 * written as ISO-8601 and read as ISO-8601 or epoch milliseconds.
 *
 * <p>Readers and writers are immutable and thread-safe; they are built once per class loader, so a
 * Flink task or a request handler reuses them for every record.
 */
public final class FraudJson {

  /** Amounts (and thresholds) above this are rejected as absurd: one billion. */
  public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");

  /** A transaction record larger than this is rejected before parsing: 64 KiB. */
  public static final int MAX_TRANSACTION_BYTES = 64 * 1024;

  /** Longest accepted {@code transaction_id}, in characters. */
  public static final int MAX_ID_LENGTH = 256;

  /**
   * Timestamps must lie in [1970-01-01, 10000-01-01): event time is epoch milliseconds downstream,
   * and an instant outside that range is a broken producer, not a payment.
   */
  public static final Instant MIN_TIMESTAMP = Instant.EPOCH;

  public static final Instant MAX_TIMESTAMP = Instant.parse("+10000-01-01T00:00:00Z");

  private static final JsonMapper MAPPER = newMapper();
  private static final ObjectReader TRANSACTION_READER = MAPPER.readerFor(Transaction.class);
  private static final TransactionReader FAST_TRANSACTION_READER =
      new TransactionReader(MAPPER.tokenStreamFactory());
  private static final ObjectReader ALERT_READER = MAPPER.readerFor(FraudAlert.class);
  private static final ObjectReader RULES_READER = MAPPER.readerFor(RuleSet.class);
  private static final ObjectWriter WRITER = MAPPER.writer();

  private FraudJson() {}

  /**
   * A mapper configured like the wire contract, for components that need to map more types the same
   * way (e.g. REST bodies that embed a {@link RuleSet}).
   */
  public static JsonMapper mapper() {
    return MAPPER;
  }

  /** Reads and validates a transaction; never throws. */
  public static ParseResult<Transaction> parseTransaction(byte[] value) {
    if (value == null || value.length == 0) {
      return ParseResult.invalid("empty record");
    }
    if (value.length > MAX_TRANSACTION_BYTES) {
      return ParseResult.invalid(
          "record of "
              + value.length
              + " bytes exceeds the limit of "
              + MAX_TRANSACTION_BYTES
              + " bytes");
    }
    Transaction tx = FAST_TRANSACTION_READER.readOrNull(value);
    if (tx == null) {
      // Not a plain transaction: data binding decides, and words the reason if it is invalid.
      try {
        tx = readTransactionWithDataBinding(value);
      } catch (JacksonException e) {
        return ParseResult.invalid(describe(e));
      }
    }
    if (tx == null) {
      return ParseResult.invalid("expected a JSON object, got null");
    }
    String problem = problemWith(tx);
    return problem == null ? ParseResult.valid(tx) : ParseResult.invalid(problem);
  }

  /**
   * The reference reading of a transaction, without validation; throws {@link JacksonException}.
   */
  static Transaction readTransactionWithDataBinding(byte[] value) {
    return TRANSACTION_READER.readValue(value);
  }

  /** Why a transaction that parsed is still invalid, or {@code null} when it is valid. */
  static String problemWith(Transaction tx) {
    if (tx.transactionId() == null) {
      return "missing required field 'transaction_id'";
    }
    if (tx.transactionId().isBlank()) {
      return "field 'transaction_id' is blank";
    }
    if (tx.transactionId().length() > MAX_ID_LENGTH) {
      return "field 'transaction_id' is longer than " + MAX_ID_LENGTH + " characters";
    }
    if (tx.amount() == null) {
      return "missing required field 'amount'";
    }
    if (tx.amount().signum() <= 0) {
      return "amount must be greater than 0, got " + tx.amount().toPlainString();
    }
    if (tx.amount().compareTo(MAX_AMOUNT) > 0) {
      return "amount " + tx.amount() + " is absurdly large (limit " + MAX_AMOUNT + ")";
    }
    if (tx.timestamp() != null
        && (tx.timestamp().isBefore(MIN_TIMESTAMP) || !tx.timestamp().isBefore(MAX_TIMESTAMP))) {
      return "timestamp " + tx.timestamp() + " is outside 1970-01-01 .. 9999-12-31";
    }
    return null;
  }

  /**
   * Writes a transaction as UTF-8 JSON. A direct byte writer does the work (the synthetic producer
   * writes hundreds of thousands per second); it produces exactly databind's bytes and hands the
   * rare input it does not cover (e.g. a lone UTF-16 surrogate) to databind.
   */
  public static byte[] write(Transaction tx) {
    byte[] fast = TransactionJsonWriter.tryWrite(tx);
    return fast != null ? fast : WRITER.writeValueAsBytes(tx);
  }

  public static byte[] write(FraudAlert alert) {
    return WRITER.writeValueAsBytes(alert);
  }

  public static byte[] write(RuleSet rules) {
    return WRITER.writeValueAsBytes(rules);
  }

  /** Reads an alert written by {@link #write(FraudAlert)}; throws {@link JacksonException}. */
  public static FraudAlert readAlert(byte[] value) {
    return ALERT_READER.readValue(value);
  }

  /**
   * Reads a published rule set (from the rules topic, the job's state or its arguments) and checks
   * it with {@link RuleSetValidator#forReading()}; never throws.
   *
   * @return the rule set, or the reason it cannot be applied
   */
  public static ParseResult<RuleSet> parseRuleSet(byte[] value) {
    if (value == null || value.length == 0) {
      return ParseResult.invalid("empty record");
    }
    RuleSet rules;
    try {
      rules = RULES_READER.readValue(value);
    } catch (JacksonException e) {
      return ParseResult.invalid(describe(e));
    }
    if (rules == null) {
      return ParseResult.invalid("expected a JSON object, got null");
    }
    var errors = RuleSetValidator.forReading().validate(rules);
    if (!errors.isEmpty()) {
      FieldError first = errors.get(0);
      return ParseResult.invalid("field '" + first.field() + "' " + first.message());
    }
    return ParseResult.valid(rules);
  }

  /** Turns a Jackson failure into a sentence for the DLQ header or an API error. */
  static String describe(JacksonException e) {
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (original.contains("Invalid UTF-8")) {
      return "not valid UTF-8: " + firstLine(original);
    }
    String field = fieldPath(e);
    if (e instanceof MismatchedInputException mismatch) {
      String got = describeToken(mismatch.getCurrentToken());
      if (field.isEmpty()) {
        return "expected a JSON object, got " + got;
      }
      return "field '"
          + field
          + "' has the wrong type: expected "
          + describeType(mismatch.getTargetType())
          + ", got "
          + got;
    }
    if (e instanceof tools.jackson.core.exc.StreamReadException) {
      return "not valid JSON: " + firstLine(original);
    }
    return (field.isEmpty() ? "" : "field '" + field + "': ") + firstLine(original);
  }

  /**
   * The field a Jackson error is about, as a dotted path with array indexes ({@code
   * velocity.window_seconds}, {@code items[2].id}); empty for the document itself.
   */
  public static String fieldPath(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String describeType(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
      return "a number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == Instant.class) {
      return "an ISO-8601 timestamp or epoch milliseconds";
    }
    if (type == Duration.class) {
      return "an ISO-8601 duration such as PT10M";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return "a " + type.getSimpleName();
  }

  private static String describeToken(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_OBJECT, END_OBJECT -> "an object";
      case START_ARRAY, END_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  private static JsonMapper newMapper() {
    SimpleModule timestamps = new SimpleModule("fraud-timestamps");
    timestamps.addDeserializer(Instant.class, new FlexibleInstantDeserializer());
    JsonFactory factory =
        JsonFactory.builder()
            // A 1 MB amount string must not cost a 1 MB BigDecimal parse.
            .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(100).build())
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    return strictScalars(JsonMapper.builder(factory))
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        // A rule set that leaves out "version" is version 0, not an error.
        .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
        .changeDefaultPropertyInclusion(
            incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
        .addModule(timestamps)
        .build();
  }

  /**
   * Strict scalar types, for every mapper that reads the contract or the API's bodies: {@code
   * "amount": "12"}, {@code "transaction_id": 12} or {@code "parallelism": 2.5} are rejected, not
   * guessed at; so is a duration given as a number ({@code "duration": 10}), which Jackson would
   * otherwise read as seconds although durations are documented as ISO-8601 text.
   */
  public static <B extends MapperBuilder<?, B>> B strictScalars(B builder) {
    SimpleModule durations = new SimpleModule("fraud-iso-durations");
    durations.addDeserializer(Duration.class, new IsoDurationDeserializer());
    return builder
        .addModule(durations)
        .withCoercionConfig(
            LogicalType.Float, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
        .withCoercionConfig(
            LogicalType.Integer,
            c ->
                c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
        .withCoercionConfig(
            LogicalType.Textual,
            c ->
                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .withCoercionConfig(
            LogicalType.Boolean,
            c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail));
  }

  /**
   * An ISO-8601 duration ({@code PT30S}) and nothing else: the coercion settings of {@link
   * #strictScalars} do not reach Jackson's own duration reader, which takes a number as seconds
   * (or, with other settings, milliseconds). Whoever sends {@code 10} meant some unit; which one is
   * a guess, so the value is refused.
   */
  private static final class IsoDurationDeserializer extends ValueDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      String text = p.getString().trim();
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        return (Duration)
            ctxt.handleWeirdStringValue(Duration.class, text, "not an ISO-8601 duration");
      }
    }
  }

  /**
   * The text of a duration a document keeps as sent ({@link NamedRule#window()}, which the
   * validator parses to name what is wrong with it): a number is refused as a wrong duration, in
   * the same words as a {@link Duration} field, not as a wrong string.
   */
  static final class IsoDurationText extends ValueDeserializer<String> {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (String) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      return p.getString();
    }
  }

  /**
   * Epoch milliseconds (a JSON integer), or an ISO-8601 string: an instant ({@code ...Z}), a date
   * and time with an offset, or a local date and time (taken as UTC, as the seed's Python producer
   * writes them).
   */
  private static final class FlexibleInstantDeserializer extends ValueDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
      JsonToken token = p.currentToken();
      if (token == JsonToken.VALUE_NUMBER_INT) {
        try {
          return Instant.ofEpochMilli(p.getLongValue());
        } catch (DateTimeException | JacksonException e) {
          return (Instant)
              ctxt.handleWeirdNumberValue(Instant.class, p.getNumberValue(), "out of range");
        }
      }
      if (token == JsonToken.VALUE_STRING) {
        String text = p.getString();
        Instant instant = TransactionReader.parseTimestamp(text);
        if (instant != null) {
          return instant;
        }
        return (Instant)
            ctxt.handleWeirdStringValue(
                Instant.class, text.trim(), "not an ISO-8601 timestamp or epoch milliseconds");
      }
      return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
    }
  }
}
