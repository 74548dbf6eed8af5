package io.fraudpipeline.job.named;

import io.fraudpipeline.job.serde.CompactFields;
import io.fraudpipeline.model.Transaction;
import io.fraudpipeline.model.TransactionField;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The transactions one key of {@code aggregate-rules} holds, in judging order (event time in
 * milliseconds, then transaction id), as columns rather than objects: event times, ids, amounts,
 * and each other text field as a code into the key's own dictionary of values.
 *
 * <p>Why columns: a card's transactions repeat the same few values (its account, currency, country,
 * a handful of categories and merchants), and every checkpoint of the heap backend writes all that
 * a key holds. As objects each held transaction was five strings written a byte at a time (the
 * async snapshot thread was busier than the job's main path in a JFR profile); as columns a value
 * is written once per key, a transaction is a few numbers, and the rules compare codes instead of
 * strings ({@link RuleWindows}). Rows and values are also kept in their snapshot form, encoded once
 * on arrival, so a checkpoint writes a key with a few array copies; and nothing held is an object
 * of its own (amounts are longs, ids and values bytes), which keeps young collections short.
 *
 * <p>Changed in place; see {@link GroupState} for why that is safe in keyed state.
 */
public final class HeldTransactions {

  /** The text fields kept as dictionary codes, in column order. */
  static final TransactionField[] CODED = {
    TransactionField.ACCOUNT_ID,
    TransactionField.CURRENCY,
    TransactionField.MERCHANT,
    TransactionField.MERCHANT_CATEGORY,
    TransactionField.COUNTRY
  };

  /** The code of an absent (null) value. */
  static final int ABSENT = -1;

  /** What {@link #codeOf} answers for a value no held transaction has. */
  static final int UNKNOWN = -2;

  private static final int[] COLUMN_BY_ORDINAL = columnByOrdinal();

  // A row's mask: which of its id and amount are present.
  private static final int HAS_ID = 1;
  private static final int HAS_AMOUNT = 2;

  /**
   * The scale of {@link #units}: amounts with at most this many decimals (every currency's, and all
   * the generator's) are summed and compared as longs, not as {@link BigDecimal}s.
   */
  static final int UNIT_SCALE = 4;

  /** {@link #units} of an absent amount, or of one without an exact long form. */
  static final long NO_UNITS = Long.MIN_VALUE;

  // Capacity 0: the first write to any of them repacks into arrays of the instance's own.
  private static final long[] NO_LONGS = {};
  private static final int[] NO_INTS = {};
  private static final byte[] NO_BYTES = {};

  private static final long[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000};

  /** The bound of an unscaled value that has {@link #units}: 2^48 (see {@link #unitsOf}). */
  private static final long UNSCALED_BOUND = 1L << 48;

  /** Where a row's id begins: after its time and its mask. */
  private static final int ID_OFFSET = Long.BYTES + 1;

  // Rows [first, end) of the columns are held. An eviction only moves first: writing into arrays a
  // running snapshot shares would clone them all (see copy), and most judgements evict.
  private int first;
  private int end;
  private long[] times;
  // Each amount in units of 10^-UNIT_SCALE, and its scale: see units(int). Only an amount without
  // units is kept as it is, in decimals (null until one comes). Held state has no object per
  // transaction: references the task stores into old arrays make every young GC scan them, and
  // young-GC pauses were about a fifth of the benchmark's wall time.
  private long[] units;
  private byte[] scales;
  private BigDecimal[] decimals;
  private final int[][] codes;
  // Every held row in its snapshot form (writeTo), back to back: encoded once on arrival, not at
  // every checkpoint. A row starts at rowStart[i]; the last one ends at rowsEnd. The ids live only
  // here: they are read just to order transactions of the same millisecond.
  private byte[] rows;
  private int[] rowStart;
  private int rowsEnd;
  // The dictionary's values in their snapshot form, back to back, up to valuesEnd (value k from
  // valueStart[k]): compared and decoded there, not kept as strings (see decimals).
  private int[] valueStart;
  private byte[] values;
  private int valuesEnd;
  // The values' hash codes: a lookup compares numbers before bytes.
  private int[] hashes;
  // Open addressing over the dictionary (code + 1 per slot, 0 free, twice its capacity), built when
  // first needed: a card's merchants are mostly new, and a scan for each was a sixth of the
  // operator's time. Shared with copies like the arrays; a slot with a code at or above this
  // version's dictionary size belongs to a later version and is skipped.
  private int[] index;
  private int dictionarySize;
  // The dictionary's size after the last compaction (or when read).
  private int compactedSize;

  /** How this instance may write into arrays it shares with copies of it (see {@link #copy}). */
  private enum Sharing {
    /** Its own arrays. */
    NONE,
    /** Shared with earlier versions, which read only below their ends: it may append. */
    APPEND,
    /** Shared with a copy that may append: any write repacks them first. */
    FROZEN
  }

  private Sharing sharing = Sharing.NONE;

  /**
   * Holding nothing, in arrays shared by every empty instance: a key's own arrays are made at its
   * first transaction. Made with every instance, they were about a seventh of what {@code
   * aggregate-rules} allocated in a JFR profile.
   */
  public HeldTransactions() {
    times = NO_LONGS;
    units = NO_LONGS;
    scales = NO_BYTES;
    codes = new int[CODED.length][];
    Arrays.fill(codes, NO_INTS);
    rows = NO_BYTES;
    rowStart = NO_INTS;
    valueStart = NO_INTS;
    values = NO_BYTES;
    hashes = NO_INTS;
  }

  private HeldTransactions(int rowCapacity, int dictionaryCapacity) {
    times = new long[rowCapacity];
    units = new long[rowCapacity];
    scales = new byte[rowCapacity];
    codes = new int[CODED.length][rowCapacity];
    rows = new byte[rowCapacity * 64];
    rowStart = new int[rowCapacity];
    valueStart = new int[dictionaryCapacity];
    values = new byte[dictionaryCapacity * 16];
    hashes = new int[dictionaryCapacity];
  }

  /** A version sharing every array with {@code from}. */
  private HeldTransactions(HeldTransactions from) {
    first = from.first;
    end = from.end;
    times = from.times;
    units = from.units;
    scales = from.scales;
    decimals = from.decimals;
    codes = from.codes.clone();
    rows = from.rows;
    rowStart = from.rowStart;
    rowsEnd = from.rowsEnd;
    valueStart = from.valueStart;
    values = from.values;
    valuesEnd = from.valuesEnd;
    hashes = from.hashes;
    index = from.index;
    dictionarySize = from.dictionarySize;
    compactedSize = from.compactedSize;
  }

  private static int[] columnByOrdinal() {
    int[] columns = new int[TransactionField.values().length];
    Arrays.fill(columns, -1);
    for (int c = 0; c < CODED.length; c++) {
      columns[CODED[c].ordinal()] = c;
    }
    return columns;
  }

  /** The dictionary column of {@code field}, or -1 for the transaction id and the amount. */
  static int column(TransactionField field) {
    return COLUMN_BY_ORDINAL[field.ordinal()];
  }

  /** The held transactions of {@code transactions}, which must be in judging order. */
  public static HeldTransactions of(Iterable<Transaction> transactions) {
    HeldTransactions held = new HeldTransactions();
    for (Transaction tx : transactions) {
      held.insert(tx);
    }
    return held;
  }

  public int size() {
    return end - first;
  }

  /**
   * Reads what inserting {@code tx} reads first (the newest row of every column, the end of the row
   * bytes, and for each coded field of {@code tx} the bytes of the value its insert compares it
   * with first and, once the dictionary's index is built, the entry a lookup of it would find; an
   * index is never built here) and returns a sum of what it read, for the caller to keep so that
   * the reads stay. Called for many keys before any of them is judged, their cache misses overlap
   * instead of coming one after another (see {@code AggregateRulesOperator#readAhead}). Reading
   * further back (the rows the window passes scan) measured slower. Changes nothing.
   */
  long readAhead(Transaction tx) {
    if (isEmpty()) {
      return 0;
    }
    int last = end - 1;
    long sum = times[last] + units[last] + scales[last] + rowStart[last] + rows[rowsEnd - 1];
    for (int c = 0; c < CODED.length; c++) {
      int hint = codes[c][last];
      String value = CODED[c].text(tx);
      if (value == null) {
        continue;
      }
      if (hint >= 0 && sameValue(hint, value)) {
        continue;
      }
      if (index != null) {
        sum += codeOf(value);
      }
    }
    return sum;
  }

  public boolean isEmpty() {
    return end == first;
  }

  /** Event time in milliseconds of the {@code i}-th transaction. */
  public long time(int i) {
    return times[first + i];
  }

  public String id(int i) {
    return idAt(first + i);
  }

  public BigDecimal amount(int i) {
    int row = first + i;
    if (units[row] == NO_UNITS) {
      return decimals == null ? null : decimals[row];
    }
    return decimalOf(units[row], scales[row]);
  }

  /**
   * The amount of {@code units} at {@code scale}: {@code units} must be a multiple of
   * 10^(UNIT_SCALE - scale) (as the units of an amount of that scale, or a sum of amounts of at
   * most that scale, are), so the division is exact, and far cheaper than BigDecimal.setScale,
   * which checks for rounding.
   */
  static BigDecimal decimalOf(long units, int scale) {
    return BigDecimal.valueOf(units / unitsPerUnscaled(scale), scale);
  }

  /** How many {@link #units} one of an unscaled value at {@code scale} (at most UNIT_SCALE) is. */
  static long unitsPerUnscaled(int scale) {
    return POWERS_OF_TEN[UNIT_SCALE - scale];
  }

  /**
   * The {@code i}-th amount in units of 10<sup>-{@link #UNIT_SCALE}</sup>, or {@link #NO_UNITS}
   * when it is absent or has more decimals (or digits) than that allows: then {@link #amount} is
   * the value.
   */
  long units(int i) {
    return units[first + i];
  }

  /** The scale of the {@code i}-th amount, when it has {@link #units}. */
  int scale(int i) {
    return scales[first + i];
  }

  static long unitsOf(BigDecimal amount) {
    if (amount == null
        || amount.scale() < 0
        || amount.scale() > UNIT_SCALE
        || amount.precision() > CompactFields.LONG_DIGITS) {
      return NO_UNITS;
    }
    long unscaled = CompactFields.unscaledLong(amount);
    // Within ±2^48 (a bit length of at most 48), times 10^4 stays within a long.
    if (unscaled >= UNSCALED_BOUND || unscaled < -UNSCALED_BOUND) {
      return NO_UNITS;
    }
    return unscaled * unitsPerUnscaled(amount.scale());
  }

  /** The dictionary code of {@code field} (a {@link #column} of it) of the {@code i}-th one. */
  int code(int column, int i) {
    return codes[column][first + i];
  }

  /** {@code field} of the {@code i}-th transaction as text, as {@link TransactionField#text}. */
  public String text(TransactionField field, int i) {
    return switch (field) {
      case TRANSACTION_ID -> id(i);
      case AMOUNT -> TransactionField.amountText(amount(i));
      default -> {
        int code = code(column(field), i);
        yield code == ABSENT ? null : value(code);
      }
    };
  }

  /** The id of the row at {@code row} (an array index), decoded from its snapshot form. */
  private String idAt(int row) {
    int start = rowStart[row];
    if ((rows[start + Long.BYTES] & HAS_ID) == 0) {
      return null;
    }
    try {
      return CompactFields.readString(
          new DataInputDeserializer(rows, start + ID_OFFSET, rowsEnd - start - ID_OFFSET));
    } catch (IOException e) {
      throw new UncheckedIOException("a held row is corrupt", e);
    }
  }

  private String value(int code) {
    try {
      return CompactFields.readString(
          new DataInputDeserializer(values, valueStart[code], valuesEnd - valueStart[code]));
    } catch (IOException e) {
      throw new UncheckedIOException("a held value is corrupt", e);
    }
  }

  private boolean sameValue(int code, String value) {
    try {
      return CompactFields.equalsWritten(values, valueStart[code], value);
    } catch (IOException e) {
      throw new UncheckedIOException("a held value is corrupt", e);
    }
  }

  /** The code of {@code value} in this key's dictionary; {@link #UNKNOWN} if no entry has it. */
  int codeOf(String value) {
    if (value == null) {
      return ABSENT;
    }
    if (index == null) {
      buildIndex();
    }
    int hash = value.hashCode();
    int mask = index.length - 1;
    for (int slot = spread(hash) & mask; index[slot] != 0; slot = (slot + 1) & mask) {
      int code = index[slot] - 1;
      if (code < dictionarySize && hashes[code] == hash && sameValue(code, value)) {
        return code;
      }
    }
    return UNKNOWN;
  }

  // Values such as "merchant-0041", "merchant-0042" have consecutive hash codes: without mixing
  // they fill runs of adjacent slots, and a lookup for a new value walked to the end of its run
  // (the probe loop was 7 % of the operator thread in a JFR profile).
  private static int spread(int hash) {
    int mixed = hash * 0x9E3779B9;
    return mixed ^ (mixed >>> 16);
  }

  private void buildIndex() {
    // A power of two at least twice the dictionary's capacity: never more than half full.
    index = new int[Integer.highestOneBit(Math.max(8, valueStart.length) - 1) << 2];
    for (int code = 0; code < dictionarySize; code++) {
      addToIndex(code);
    }
  }

  private void addToIndex(int code) {
    int mask = index.length - 1;
    int slot = spread(hashes[code]) & mask;
    while (index[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    index[slot] = code + 1;
  }

  /**
   * @param hint the code the newest held transaction has in the same column: a card's transactions
   *     mostly repeat it (the account, the currency, the country), so it is tried first
   */
  private int encode(String value, int hint, DataOutputSerializer scratch) {
    if (value == null) {
      return ABSENT;
    }
    // By its bytes: hashing the value first cost more than a comparison that mostly fails early.
    if (hint >= 0 && sameValue(hint, value)) {
      return hint;
    }
    int code = codeOf(value);
    return code != UNKNOWN ? code : addValue(value, scratch);
  }

  /**
   * @param form cleared, then the value's snapshot form is written to it to learn its length
   */
  private int addValue(String value, DataOutputSerializer form) {
    form.clear();
    try {
      CompactFields.writeString(value, form);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int length = form.length();
    if (dictionarySize == valueStart.length || valuesEnd + length > values.length) {
      repack(
          times.length,
          rows.length,
          Math.max(8, 2 * (dictionarySize + 1)),
          2 * (valuesEnd + length));
    } else {
      writable(true);
    }
    valueStart[dictionarySize] = valuesEnd;
    hashes[dictionarySize] = value.hashCode();
    System.arraycopy(form.getSharedBuffer(), 0, values, valuesEnd, length);
    valuesEnd += length;
    if (index != null) {
      addToIndex(dictionarySize);
    }
    return dictionarySize++;
  }

  /**
   * What {@link #insert(Transaction, Buffers)} writes a row's and a value's snapshot form into
   * first, to learn its length, and the row's codes: one per thread that inserts, reused for every
   * insert (new ones per insert were a seventh of what {@code aggregate-rules} allocated in a JFR
   * profile; a thread-local one cost more to look up, ThreadLocalMap 8 % of its thread, than that).
   */
  public static final class Buffers {
    private final DataOutputSerializer form = new DataOutputSerializer(96);
    private final int[] codes = new int[CODED.length];
  }

  /** Whether the row at {@code row} (an array index) comes after the given one in judging order. */
  private boolean rowIsAfter(int row, long time, String id) {
    if (times[row] != time) {
      return times[row] > time;
    }
    int start = rowStart[row];
    if ((rows[start + Long.BYTES] & HAS_ID) == 0) {
      return false;
    }
    try {
      return CompactFields.compareWritten(rows, start + ID_OFFSET, id) > 0;
    } catch (IOException e) {
      throw new UncheckedIOException("a held row is corrupt", e);
    }
  }

  /**
   * Puts {@code tx} in its place in judging order (after equal ones).
   *
   * @return its index: the ones before it come before it in judging order, the ones after it after
   *     it (valid until the next eviction)
   */
  public int insert(Transaction tx) {
    return insert(tx, new Buffers());
  }

  /** {@link #insert(Transaction)} with this thread's buffers. */
  public int insert(Transaction tx, Buffers buffers) {
    int[] txCodes = buffers.codes;
    DataOutputSerializer row = buffers.form;
    for (int c = 0; c < CODED.length; c++) {
      txCodes[c] = encode(CODED[c].text(tx), isEmpty() ? ABSENT : codes[c][end - 1], row);
    }
    long time = tx.timestamp().toEpochMilli();
    int at = end;
    while (at > first && rowIsAfter(at - 1, time, tx.transactionId())) {
      at--;
    }
    row.clear();
    writeRow(time, tx.transactionId(), tx.amount(), txCodes, row);
    int position = at - first;
    place(position, time, tx.amount(), txCodes, row);
    return position;
  }

  private static void writeRow(
      long time, String id, BigDecimal amount, int[] rowCodes, DataOutputSerializer out) {
    try {
      out.writeLong(time);
      out.writeByte((id != null ? HAS_ID : 0) | (amount != null ? HAS_AMOUNT : 0));
      if (id != null) {
        CompactFields.writeString(id, out);
      }
      if (amount != null) {
        CompactFields.writeAmount(amount, out);
      }
      for (int code : rowCodes) {
        writeVarInt(code + 1, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Puts a row, given its snapshot form, {@code position} rows after the first held one. */
  private void place(
      int position, long time, BigDecimal amount, int[] rowCodes, DataOutputSerializer form) {
    int length = form.length();
    if (end == times.length || rowsEnd + length > rows.length) {
      repack(
          Math.max(4, 2 * (size() + 1)),
          Math.max(64, 2 * (rowsEnd - heldFrom() + length)),
          valueStart.length,
          values.length);
    } else {
      writable(position == size());
    }
    int at = first + position;
    int byteAt = at == end ? rowsEnd : rowStart[at];
    if (at < end) {
      int tail = end - at;
      System.arraycopy(times, at, times, at + 1, tail);
      if (decimals != null) {
        System.arraycopy(decimals, at, decimals, at + 1, tail);
      }
      System.arraycopy(units, at, units, at + 1, tail);
      System.arraycopy(scales, at, scales, at + 1, tail);
      for (int[] column : codes) {
        System.arraycopy(column, at, column, at + 1, tail);
      }
      System.arraycopy(rows, byteAt, rows, byteAt + length, rowsEnd - byteAt);
      for (int k = end; k > at; k--) {
        rowStart[k] = rowStart[k - 1] + length;
      }
    }
    System.arraycopy(form.getSharedBuffer(), 0, rows, byteAt, length);
    rowStart[at] = byteAt;
    rowsEnd += length;
    times[at] = time;
    units[at] = unitsOf(amount);
    scales[at] = (byte) (units[at] == NO_UNITS ? 0 : amount.scale());
    if (decimals == null && units[at] == NO_UNITS && amount != null) {
      // Its own array, never shared: nothing else has one.
      decimals = new BigDecimal[times.length];
    }
    if (decimals != null) {
      decimals[at] = units[at] == NO_UNITS ? amount : null;
    }
    for (int c = 0; c < CODED.length; c++) {
      codes[c][at] = rowCodes[c];
    }
    end++;
  }

  /** Where the held rows' bytes begin. */
  private int heldFrom() {
    return isEmpty() ? rowsEnd : rowStart[first];
  }

  /**
   * Before a write: unless this instance may write there (an append, at or above the end of every
   * version it shares its arrays with), makes the arrays its own.
   */
  private void writable(boolean appending) {
    if (sharing == Sharing.FROZEN || (sharing == Sharing.APPEND && !appending)) {
      repack(times.length, rows.length, valueStart.length, values.length);
    }
  }

  /**
   * Copies what is held into arrays of its own with these capacities, from index 0 (dropping the
   * evicted rows before {@code first}).
   */
  private void repack(
      int rowCapacity, int rowBytesCapacity, int dictionaryCapacity, int valueBytesCapacity) {
    int size = size();
    int from = heldFrom();
    int bytes = rowsEnd - from;
    times = Arrays.copyOfRange(times, first, first + rowCapacity);
    decimals = decimals == null ? null : Arrays.copyOfRange(decimals, first, first + rowCapacity);
    units = Arrays.copyOfRange(units, first, first + rowCapacity);
    scales = Arrays.copyOfRange(scales, first, first + rowCapacity);
    for (int c = 0; c < codes.length; c++) {
      codes[c] = Arrays.copyOfRange(codes[c], first, first + rowCapacity);
    }
    int[] starts = new int[rowCapacity];
    for (int k = 0; k < size; k++) {
      starts[k] = rowStart[first + k] - from;
    }
    rowStart = starts;
    rows = Arrays.copyOfRange(rows, from, from + rowBytesCapacity);
    rowsEnd = bytes;
    first = 0;
    end = size;
    // The dictionary stays as it is (and its index, rebuilt otherwise: a fifth of the cost of
    // repacking in a JFR profile) when it is this instance's own and big enough.
    if (sharing != Sharing.NONE
        || dictionaryCapacity != valueStart.length
        || valueBytesCapacity != values.length) {
      valueStart = Arrays.copyOf(valueStart, dictionaryCapacity);
      hashes = Arrays.copyOf(hashes, dictionaryCapacity);
      values = Arrays.copyOf(values, valueBytesCapacity);
      index = null;
    }
    sharing = Sharing.NONE;
  }

  /** Removes the transactions at or before {@code cutoff} (event time). */
  public void evictUpTo(long cutoff) {
    int from = first;
    while (from < end && times[from] <= cutoff) {
      from++;
    }
    if (from == first) {
      return;
    }
    first = from;
    // Values only evicted transactions had would otherwise pile up for as long as the key lives;
    // compacting once the dictionary doubled keeps it linear in what is held, at amortized O(1).
    if (dictionarySize > 2 * compactedSize + 16) {
      compactDictionary();
    }
  }

  public void clear() {
    first = 0;
    end = 0;
    times = NO_LONGS;
    decimals = null;
    units = NO_LONGS;
    scales = NO_BYTES;
    Arrays.fill(codes, NO_INTS);
    rows = NO_BYTES;
    rowStart = NO_INTS;
    rowsEnd = 0;
    valueStart = NO_INTS;
    values = NO_BYTES;
    valuesEnd = 0;
    hashes = NO_INTS;
    index = null;
    dictionarySize = 0;
    compactedSize = 0;
    sharing = Sharing.NONE;
  }

  /**
   * Keeps only the values held rows have, renumbered, into arrays of its own; each row's codes are
   * the var-ints that end its snapshot form, so the rest of the form is copied as it is.
   */
  private void compactDictionary() {
    int size = size();
    int[] remap = new int[dictionarySize];
    Arrays.fill(remap, ABSENT);
    int[] keptStarts = new int[Math.max(8, dictionarySize)];
    int[] keptHashes = new int[keptStarts.length];
    DataOutputSerializer keptValues = new DataOutputSerializer(Math.max(16, valuesEnd));
    int keptSize = 0;
    int capacity = Math.max(4, size * 2);
    int[][] keptCodes = new int[codes.length][capacity];
    DataOutputSerializer keptRows = new DataOutputSerializer(Math.max(64, rowsEnd - heldFrom()));
    int[] starts = new int[capacity];
    try {
      for (int k = 0; k < size; k++) {
        int row = first + k;
        int start = rowStart[row];
        int rowEnd = row + 1 < end ? rowStart[row + 1] : rowsEnd;
        int codeBytes = 0;
        for (int c = 0; c < codes.length; c++) {
          int code = codes[c][row];
          codeBytes += varIntLength(code + 1);
          if (code != ABSENT && remap[code] == ABSENT) {
            remap[code] = keptSize;
            keptHashes[keptSize] = hashes[code];
            keptStarts[keptSize++] = keptValues.length();
            int valueEnd = code + 1 < dictionarySize ? valueStart[code + 1] : valuesEnd;
            keptValues.write(values, valueStart[code], valueEnd - valueStart[code]);
          }
          keptCodes[c][k] = code == ABSENT ? ABSENT : remap[code];
        }
        starts[k] = keptRows.length();
        keptRows.write(rows, start, rowEnd - start - codeBytes);
        for (int[] column : keptCodes) {
          writeVarInt(column[k] + 1, keptRows);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    times = Arrays.copyOfRange(times, first, first + capacity);
    decimals = decimals == null ? null : Arrays.copyOfRange(decimals, first, first + capacity);
    units = Arrays.copyOfRange(units, first, first + capacity);
    scales = Arrays.copyOfRange(scales, first, first + capacity);
    System.arraycopy(keptCodes, 0, codes, 0, codes.length);
    rows = keptRows.getSharedBuffer();
    rowsEnd = keptRows.length();
    rowStart = starts;
    first = 0;
    end = size;
    valueStart = keptStarts;
    hashes = keptHashes;
    values = keptValues.getSharedBuffer();
    valuesEnd = keptValues.length();
    index = null;
    dictionarySize = keptSize;
    compactedSize = keptSize;
    sharing = Sharing.NONE;
  }

  /** The number of dictionary entries (values held, and maybe a few only evicted ones had). */
  int dictionarySize() {
    return dictionarySize;
  }

  /**
   * A copy that no later change to either could reach, in O(1): the heap backend copies every key
   * the task touches while a snapshot runs, and copying the arrays made those copies a large share
   * of the garbage (young-GC pauses were about a fifth of the benchmark's wall time). The two share
   * the arrays: the copy may append in place (the snapshot's version reads only below its ends),
   * anything else on either repacks them first. A copy of a frozen version is frozen too: another
   * copy may already be appending.
   */
  public HeldTransactions copy() {
    HeldTransactions copy = new HeldTransactions(this);
    copy.sharing = sharing == Sharing.FROZEN ? Sharing.FROZEN : Sharing.APPEND;
    sharing = Sharing.FROZEN;
    return copy;
  }

  // The form in snapshots (GroupStateSerializer): int size, int dictionary size, the dictionary's
  // values, then per transaction: long time, byte mask (id, amount present), the id, the amount,
  // and each coded column's code + 1 as a var-int (0: absent). Both parts are kept encoded, so a
  // snapshot writes them with two array copies.

  void writeTo(DataOutputView out) throws IOException {
    out.writeInt(size());
    out.writeInt(dictionarySize);
    out.write(values, 0, valuesEnd);
    int from = heldFrom();
    out.write(rows, from, rowsEnd - from);
  }

  static HeldTransactions readFrom(DataInputView in) throws IOException {
    int size = in.readInt();
    int dictionarySize = in.readInt();
    HeldTransactions held = new HeldTransactions(Math.max(4, size), Math.max(8, dictionarySize));
    DataOutputSerializer row = new DataOutputSerializer(96);
    for (int code = 0; code < dictionarySize; code++) {
      held.addValue(CompactFields.readString(in), row);
    }
    held.compactedSize = dictionarySize;
    int[] rowCodes = new int[CODED.length];
    for (int i = 0; i < size; i++) {
      long time = in.readLong();
      int mask = in.readUnsignedByte();
      String id = (mask & HAS_ID) != 0 ? CompactFields.readString(in) : null;
      BigDecimal amount = (mask & HAS_AMOUNT) != 0 ? CompactFields.readAmount(in) : null;
      for (int c = 0; c < CODED.length; c++) {
        rowCodes[c] = readVarInt(in) - 1;
      }
      row.clear();
      writeRow(time, id, amount, rowCodes, row);
      held.place(i, time, amount, rowCodes, row);
    }
    return held;
  }

  private static int varIntLength(int value) {
    int length = 1;
    while ((value & ~0x7F) != 0) {
      value >>>= 7;
      length++;
    }
    return length;
  }

  private static void writeVarInt(int value, DataOutputView out) throws IOException {
    while ((value & ~0x7F) != 0) {
      out.writeByte((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  private static int readVarInt(DataInputView in) throws IOException {
    int value = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof HeldTransactions other) || other.size() != size()) {
      return false;
    }
    for (int i = 0; i < size(); i++) {
      if (time(i) != other.time(i)
          || !Objects.equals(id(i), other.id(i))
          || !Objects.equals(amount(i), other.amount(i))) {
        return false;
      }
      for (TransactionField f : CODED) {
        if (!Objects.equals(text(f, i), other.text(f, i))) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Objects.hash(size(), isEmpty() ? 0 : times[end - 1]);
  }

  @Override
  public String toString() {
    return "HeldTransactions[" + size() + " transactions, " + dictionarySize + " values]";
  }
}
