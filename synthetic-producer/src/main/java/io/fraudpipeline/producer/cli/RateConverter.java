package io.fraudpipeline.producer.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a rate in records per second, or {@code max} (also {@code 0}) for as fast as possible. */
final class RateConverter implements ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    String text = value.trim();
    if (text.equalsIgnoreCase("max") || text.equalsIgnoreCase("unlimited")) {
      return 0L;
    }
    try {
      return Long.parseLong(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a rate; use records per second (e.g. 5000) or 'max'");
    }
  }
}
