package io.fraudpipeline.model;

/** The outcome of reading one record: a valid value, or the reason it was rejected. */
public sealed interface ParseResult<T> {

  /** A record that parsed and passed validation. */
  record Valid<T>(T value) implements ParseResult<T> {}

  /** A record that was rejected, with a reason a human understands. */
  record Invalid<T>(String reason) implements ParseResult<T> {}

  static <T> ParseResult<T> valid(T value) {
    return new Valid<>(value);
  }

  static <T> ParseResult<T> invalid(String reason) {
    return new Invalid<>(reason);
  }
}
