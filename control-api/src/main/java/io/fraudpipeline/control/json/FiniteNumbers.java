package io.fraudpipeline.control.json;

import java.util.ArrayDeque;
import java.util.Deque;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.jdk.NumberDeserializers;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Numbers in request bodies are finite. JSON has no NaN or Infinity, yet Jackson reads the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} as such doubles whatever the coercion
 * settings say (it takes them for the way JSON spells them), and a NaN then fails every range check
 * at once ({@code fraud_ratio}: "must be greater than or equal to 0.0" and "less than or equal to
 * 1.0"). Refused here, they are one error naming the field: "must be a number", as for any string
 * where a number belongs. The bare tokens {@code NaN} and {@code Infinity}, which some JSON writers
 * emit, are one error too ({@link #MESSAGE}; see {@link #isNonFiniteToken}).
 */
public final class FiniteNumbers {

  /** What a field that held a bare NaN or Infinity is told. */
  public static final String MESSAGE = "must be a finite number (JSON has no NaN or Infinity)";

  private FiniteNumbers() {}

  /** Deserializers of {@code double}, {@code float} and their wrappers that refuse them. */
  public static SimpleModule module() {
    SimpleModule module = new SimpleModule("fraud-finite-numbers");
    module.addDeserializer(Double.class, new FiniteDoubles(Double.class, null));
    module.addDeserializer(double.class, new FiniteDoubles(Double.TYPE, 0.0));
    module.addDeserializer(Float.class, new FiniteFloats(Float.class, null));
    module.addDeserializer(float.class, new FiniteFloats(Float.TYPE, 0.0f));
    return module;
  }

  /**
   * Whether the parser is on a bare {@code NaN}, {@code Infinity} or {@code -Infinity} (read only
   * with {@code JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS}).
   */
  public static boolean isNonFiniteToken(JsonParser parser) {
    return parser.currentToken() != null && parser.currentToken().isNumeric() && parser.isNaN();
  }

  /**
   * Where the parser is, as the API names a field in its errors ({@code rules[0].limit}); empty at
   * the top of the body.
   */
  public static String fieldPath(JsonParser parser) {
    Deque<String> segments = new ArrayDeque<>();
    for (TokenStreamContext c = parser.streamReadContext(); c != null; c = c.getParent()) {
      if (c.inObject() && c.currentName() != null) {
        segments.push(c.currentName());
      } else if (c.inArray()) {
        segments.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
      }
    }
    StringBuilder path = new StringBuilder();
    for (String segment : segments) {
      if (!path.isEmpty() && !segment.startsWith("[")) {
        path.append('.');
      }
      path.append(segment);
    }
    return path.toString();
  }

  /**
   * The error of a non-finite value read for a field: a string ({@code "NaN"}) is refused as any
   * string where a number belongs ("must be a number", as {@code "12"} is); a number too large for
   * a double ({@code 1e999}, read as Infinity) as out of range.
   */
  private static JacksonException notFinite(JsonParser p, Class<?> type) {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return MismatchedInputException.from(
          p, type, "Cannot read String value (\"" + p.getString() + "\") as a number");
    }
    return new InputCoercionException(
        p, "Numeric value out of range of " + type.getSimpleName(), p.currentToken(), type);
  }

  /**
   * {@code value}, unless it is NaN or infinite. One check for both readers below: they need their
   * own Jackson bases, as each parses its own type (a float overflows to Infinity where a double
   * does not, so only the float reader sees {@code 1e39} as out of range).
   */
  private static <T extends Number> T finite(T value, JsonParser p, Class<?> type) {
    if (value != null && !Double.isFinite(value.doubleValue())) {
      throw notFinite(p, type);
    }
    return value;
  }

  private static final class FiniteDoubles extends NumberDeserializers.DoubleDeserializer {

    FiniteDoubles(Class<Double> type, Double nullValue) {
      super(type, nullValue);
    }

    @Override
    public Double deserialize(JsonParser p, DeserializationContext ctxt) {
      return finite(super.deserialize(p, ctxt), p, handledType());
    }
  }

  private static final class FiniteFloats extends NumberDeserializers.FloatDeserializer {

    FiniteFloats(Class<Float> type, Float nullValue) {
      super(type, nullValue);
    }

    @Override
    public Float deserialize(JsonParser p, DeserializationContext ctxt) {
      return finite(super.deserialize(p, ctxt), p, handledType());
    }
  }
}
