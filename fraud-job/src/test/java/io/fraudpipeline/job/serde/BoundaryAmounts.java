package io.fraudpipeline.job.serde;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Amounts at the edges of the job's long forms of a decimal: scales 0 to 4 and beyond, negative
 * scales, unscaled values around 2^48 and around a long's 18 and 19 digits, zeros of any scale.
 */
public final class BoundaryAmounts {

  private BoundaryAmounts() {}

  public static List<BigDecimal> all() {
    List<BigDecimal> amounts = new ArrayList<>();
    for (String text :
        new String[] {
          "0",
          "1",
          "-1",
          "9.99",
          "1234.5600",
          "0.0001",
          "-0.0001",
          "12.3",
          "0.00",
          "0E-10",
          "0E+5",
          "1E+3",
          "-5E+2",
          "0.00001",
          "1.23456",
          "1000000000",
          "123456789012345678901234567890.123"
        }) {
      amounts.add(new BigDecimal(text));
    }
    BigInteger bound = BigInteger.TWO.pow(48);
    BigInteger tenTo18 = BigInteger.TEN.pow(18);
    BigInteger[] unscaled = {
      bound.subtract(BigInteger.ONE),
      bound,
      bound.add(BigInteger.ONE),
      tenTo18.subtract(BigInteger.ONE), // 18 digits
      tenTo18, // 19 digits
      BigInteger.valueOf(Long.MAX_VALUE),
      BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE),
      BigInteger.TEN.pow(19),
      BigInteger.TEN.pow(19).multiply(BigInteger.TEN), // 21 digits
    };
    for (BigInteger u : unscaled) {
      for (int scale = -3; scale <= 6; scale++) {
        amounts.add(new BigDecimal(u, scale));
        amounts.add(new BigDecimal(u.negate(), scale));
      }
    }
    amounts.add(new BigDecimal(BigInteger.valueOf(Long.MIN_VALUE), 2));
    amounts.add(new BigDecimal(BigInteger.ONE, -20));
    // A small result of arithmetic on large values.
    amounts.add(
        new BigDecimal("12345678901234567890.05").subtract(new BigDecimal("12345678901234567889")));
    return amounts;
  }
}
