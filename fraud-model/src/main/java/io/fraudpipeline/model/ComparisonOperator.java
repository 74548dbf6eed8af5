package io.fraudpipeline.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.util.Optional;

/** How a named rule compares its value with its limit; the rule fires when this holds. */
public enum ComparisonOperator {
  GT(">"),
  GE(">="),
  LT("<"),
  LE("<="),
  EQ("=="),
  NE("!=");

  private final String symbol;

  ComparisonOperator(String symbol) {
    this.symbol = symbol;
  }

  @JsonValue
  public String symbol() {
    return symbol;
  }

  /** Whether {@code value <op> limit} holds; numbers compare by value ({@code 5 == 5.00}). */
  public boolean holds(BigDecimal value, BigDecimal limit) {
    return holds(value.compareTo(limit));
  }

  /**
   * Whether it holds for a value that compares with the limit as {@code c} does with 0 (the sign of
   * value - limit).
   */
  public boolean holds(int c) {
    return switch (this) {
      case GT -> c > 0;
      case GE -> c >= 0;
      case LT -> c < 0;
      case LE -> c <= 0;
      case EQ -> c == 0;
      case NE -> c != 0;
    };
  }

  public static Optional<ComparisonOperator> fromWire(String symbol) {
    for (ComparisonOperator o : values()) {
      if (o.symbol.equals(symbol)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }
}
