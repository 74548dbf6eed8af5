package io.fraudpipeline.producer.generate;

import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a would-be transaction into one kind of bad input that the fraud job must route to its DLQ.
 * Each starts from the real wire format ({@link FraudJson}), so the record looks like what a buggy
 * upstream producer would send.
 */
final class MalformedValues {

  private static final BigDecimal ABSURD_AMOUNT = new BigDecimal("987654321012.34");
  private static final byte[] EMPTY = new byte[0];

  private MalformedValues() {}

  static byte[] encode(Label kind, Transaction tx) {
    return switch (kind) {
      case NOT_JSON -> truncated(FraudJson.write(tx));
      case EMPTY -> EMPTY;
      case NOT_AN_OBJECT -> wrappedInArray(FraudJson.write(tx));
      case WRONG_TYPES -> amountAsString(tx);
      case MISSING_TRANSACTION_ID -> FraudJson.write(withId(tx, null));
      case BLANK_TRANSACTION_ID -> FraudJson.write(withId(tx, "   "));
      case MISSING_AMOUNT -> FraudJson.write(withAmount(tx, null));
      case ZERO_AMOUNT -> FraudJson.write(withAmount(tx, BigDecimal.ZERO.setScale(2)));
      case NEGATIVE_AMOUNT -> FraudJson.write(withAmount(tx, tx.amount().negate()));
      case ABSURD_AMOUNT -> FraudJson.write(withAmount(tx, ABSURD_AMOUNT));
      case INVALID_UTF8 -> invalidUtf8(tx);
      case OVERSIZED -> oversized(tx);
      case LEGIT, HIGH_AMOUNT, VELOCITY_BURST, MERCHANT_SPREE, SPLIT_PAYMENTS ->
          throw new IllegalArgumentException(kind + " is not a malformed kind");
    };
  }

  private static byte[] truncated(byte[] json) {
    return Arrays.copyOf(json, json.length / 2);
  }

  private static byte[] wrappedInArray(byte[] json) {
    byte[] out = new byte[json.length + 2];
    out[0] = '[';
    System.arraycopy(json, 0, out, 1, json.length);
    out[out.length - 1] = ']';
    return out;
  }

  private static byte[] amountAsString(Transaction tx) {
    JsonMapper mapper = FraudJson.mapper();
    ObjectNode node = mapper.valueToTree(tx);
    node.put("amount", tx.amount().toPlainString());
    return mapper.writeValueAsBytes(node);
  }

  /** The merchant name with a byte that never occurs in UTF-8 (0xFF) in place of its first. */
  private static byte[] invalidUtf8(Transaction tx) {
    byte[] json = FraudJson.write(tx);
    byte[] marker = ("\"merchant\":\"").getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(json, marker);
    if (at < 0) {
      throw new IllegalStateException(
          "no merchant field in " + new String(json, StandardCharsets.UTF_8));
    }
    json[at + marker.length] = (byte) 0xFF;
    return json;
  }

  /** A valid transaction padded with an unknown field until it is over the size limit. */
  private static byte[] oversized(Transaction tx) {
    JsonMapper mapper = FraudJson.mapper();
    ObjectNode node = mapper.valueToTree(tx);
    node.put("note", "x".repeat(FraudJson.MAX_TRANSACTION_BYTES));
    return mapper.writeValueAsBytes(node);
  }

  private static Transaction withId(Transaction tx, String id) {
    return new Transaction(
        id,
        tx.accountId(),
        tx.amount(),
        tx.currency(),
        tx.merchant(),
        tx.merchantCategory(),
        tx.country(),
        tx.timestamp());
  }

  private static Transaction withAmount(Transaction tx, BigDecimal amount) {
    return new Transaction(
        tx.transactionId(),
        tx.accountId(),
        amount,
        tx.currency(),
        tx.merchant(),
        tx.merchantCategory(),
        tx.country(),
        tx.timestamp());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
