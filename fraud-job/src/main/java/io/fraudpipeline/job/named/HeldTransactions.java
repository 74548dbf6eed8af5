package io.fraudpipeline.job.named;

import io.fraudpipeline.job.serde.CompactFields;
import io.fraudpipeline.model.Transaction;
import io.fraudpipeline.model.TransactionField;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.core.memory.DataInputView;
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
 * strings ({@link RuleWindows}).
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

  private int size;
  private long[] times;
  private String[] ids;
  // Each id's and each dictionary value's CompactFields.asciiForm (null: not ASCII), encoded once:
  // every checkpoint writes them all again.
  private byte[][] idForms;
  private BigDecimal[] amounts;
  private final int[][] codes;
  private String[] dictionary;
  private byte[][] dictionaryForms;
  // The values' hash codes: a lookup compares numbers before strings.
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
    /** Shared with earlier versions, which read only below their size: it may append. */
    APPEND,
    /** Shared with a copy that may append: any write clones them first. */
    FROZEN
  }

  private Sharing sharing = Sharing.NONE;

  public HeldTransactions() {
    this(
        0,
        new long[4],
        new String[4],
        new byte[4][],
        new BigDecimal[4],
        new int[CODED.length][4],
        new String[8],
        new byte[8][],
        new int[8],
        0);
  }

  private HeldTransactions(
      int size,
      long[] times,
      String[] ids,
      byte[][] idForms,
      BigDecimal[] amounts,
      int[][] codes,
      String[] dictionary,
      byte[][] dictionaryForms,
      int[] hashes,
      int dictionarySize) {
    this.size = size;
    this.times = times;
    this.ids = ids;
    this.idForms = idForms;
    this.amounts = amounts;
    this.codes = codes;
    this.dictionary = dictionary;
    this.dictionaryForms = dictionaryForms;
    this.hashes = hashes;
    this.dictionarySize = dictionarySize;
    this.compactedSize = dictionarySize;
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
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Event time in milliseconds of the {@code i}-th transaction. */
  public long time(int i) {
    return times[i];
  }

  public String id(int i) {
    return ids[i];
  }

  public BigDecimal amount(int i) {
    return amounts[i];
  }

  /** The dictionary code of {@code field} (a {@link #column} of it) of the {@code i}-th one. */
  int code(int column, int i) {
    return codes[column][i];
  }

  /** {@code field} of the {@code i}-th transaction as text, as {@link TransactionField#text}. */
  public String text(TransactionField field, int i) {
    return switch (field) {
      case TRANSACTION_ID -> ids[i];
      case AMOUNT -> amounts[i] == null ? null : amounts[i].toPlainString();
      default -> {
        int code = codes[column(field)][i];
        yield code == ABSENT ? null : dictionary[code];
      }
    };
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
      if (code < dictionarySize && hashes[code] == hash && value.equals(dictionary[code])) {
        return code;
      }
    }
    return UNKNOWN;
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }

  private void buildIndex() {
    // A power of two at least twice the dictionary's capacity: never more than half full.
    index = new int[Integer.highestOneBit(Math.max(8, dictionary.length) - 1) << 2];
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
  private int encode(String value, int hint) {
    if (value == null) {
      return ABSENT;
    }
    if (hint >= 0 && value.equals(dictionary[hint])) {
      return hint;
    }
    int code = codeOf(value);
    if (code != UNKNOWN) {
      return code;
    }
    if (dictionarySize == dictionary.length) {
      cloneArrays(times.length, dictionarySize * 2);
    } else {
      writable(true);
    }
    dictionary[dictionarySize] = value;
    dictionaryForms[dictionarySize] = CompactFields.asciiForm(value);
    hashes[dictionarySize] = value.hashCode();
    if (index != null) {
      addToIndex(dictionarySize);
    }
    return dictionarySize++;
  }

  /**
   * Whether the {@code i}-th transaction comes after the one with event time {@code time} (in
   * milliseconds) and id {@code id} in judging order.
   */
  boolean isAfter(int i, long time, String id) {
    return times[i] > time || (times[i] == time && ids[i].compareTo(id) > 0);
  }

  /**
   * Puts {@code tx} in its place in judging order (after equal ones).
   *
   * @return its codes, by column: valid until the next eviction
   */
  public int[] insert(Transaction tx) {
    int[] txCodes = new int[CODED.length];
    for (int c = 0; c < CODED.length; c++) {
      txCodes[c] = encode(CODED[c].text(tx), size == 0 ? ABSENT : codes[c][size - 1]);
    }
    long time = tx.timestamp().toEpochMilli();
    int at = size;
    while (at > 0 && isAfter(at - 1, time, tx.transactionId())) {
      at--;
    }
    if (size == times.length) {
      cloneArrays(Math.max(4, size * 2), dictionary.length);
    } else {
      writable(at == size);
    }
    int tail = size - at;
    if (tail > 0) {
      System.arraycopy(times, at, times, at + 1, tail);
      System.arraycopy(ids, at, ids, at + 1, tail);
      System.arraycopy(idForms, at, idForms, at + 1, tail);
      System.arraycopy(amounts, at, amounts, at + 1, tail);
      for (int[] column : codes) {
        System.arraycopy(column, at, column, at + 1, tail);
      }
    }
    times[at] = time;
    ids[at] = tx.transactionId();
    idForms[at] = ids[at] == null ? null : CompactFields.asciiForm(ids[at]);
    amounts[at] = tx.amount();
    for (int c = 0; c < CODED.length; c++) {
      codes[c][at] = txCodes[c];
    }
    size++;
    return txCodes;
  }

  /**
   * Before a write: unless this instance may write there (an append, at or above the size of every
   * version it shares its arrays with), makes the arrays its own.
   */
  private void writable(boolean appending) {
    if (sharing == Sharing.FROZEN || (sharing == Sharing.APPEND && !appending)) {
      cloneArrays(times.length, dictionary.length);
    }
  }

  /** Makes every array its own, with these capacities. */
  private void cloneArrays(int rowCapacity, int dictionaryCapacity) {
    times = Arrays.copyOf(times, rowCapacity);
    ids = Arrays.copyOf(ids, rowCapacity);
    idForms = Arrays.copyOf(idForms, rowCapacity);
    amounts = Arrays.copyOf(amounts, rowCapacity);
    for (int c = 0; c < codes.length; c++) {
      codes[c] = Arrays.copyOf(codes[c], rowCapacity);
    }
    dictionary = Arrays.copyOf(dictionary, dictionaryCapacity);
    dictionaryForms = Arrays.copyOf(dictionaryForms, dictionaryCapacity);
    hashes = Arrays.copyOf(hashes, dictionaryCapacity);
    index = null;
    sharing = Sharing.NONE;
  }

  /** Removes the transactions at or before {@code cutoff} (event time). */
  public void evictUpTo(long cutoff) {
    int from = 0;
    while (from < size && times[from] <= cutoff) {
      from++;
    }
    if (from == 0) {
      return;
    }
    writable(false);
    int left = size - from;
    System.arraycopy(times, from, times, 0, left);
    System.arraycopy(ids, from, ids, 0, left);
    System.arraycopy(idForms, from, idForms, 0, left);
    System.arraycopy(amounts, from, amounts, 0, left);
    for (int[] column : codes) {
      System.arraycopy(column, from, column, 0, left);
    }
    Arrays.fill(ids, left, size, null);
    Arrays.fill(idForms, left, size, null);
    Arrays.fill(amounts, left, size, null);
    size = left;
    // Values only evicted transactions had would otherwise pile up for as long as the key lives;
    // compacting once the dictionary doubled keeps it linear in what is held, at amortized O(1).
    if (dictionarySize > 2 * compactedSize + 16) {
      compactDictionary();
    }
  }

  public void clear() {
    writable(false);
    Arrays.fill(ids, 0, size, null);
    Arrays.fill(idForms, 0, size, null);
    Arrays.fill(amounts, 0, size, null);
    Arrays.fill(dictionary, 0, dictionarySize, null);
    Arrays.fill(dictionaryForms, 0, dictionarySize, null);
    index = null;
    size = 0;
    dictionarySize = 0;
    compactedSize = 0;
  }

  private void compactDictionary() {
    int[] remap = new int[dictionarySize];
    Arrays.fill(remap, ABSENT);
    String[] kept = new String[Math.max(8, dictionarySize)];
    byte[][] keptForms = new byte[kept.length][];
    int[] keptHashes = new int[kept.length];
    int keptSize = 0;
    for (int[] column : codes) {
      for (int i = 0; i < size; i++) {
        int code = column[i];
        if (code == ABSENT) {
          continue;
        }
        if (remap[code] == ABSENT) {
          remap[code] = keptSize;
          keptHashes[keptSize] = hashes[code];
          keptForms[keptSize] = dictionaryForms[code];
          kept[keptSize++] = dictionary[code];
        }
        column[i] = remap[code];
      }
    }
    dictionary = kept;
    dictionaryForms = keptForms;
    hashes = keptHashes;
    index = null;
    dictionarySize = keptSize;
    compactedSize = keptSize;
  }

  /** The number of dictionary entries (values held, and maybe a few only evicted ones had). */
  int dictionarySize() {
    return dictionarySize;
  }

  /**
   * A copy that no later change to either could reach, in O(1): the heap backend copies every key
   * the task touches while a snapshot runs, and copying the arrays made those copies a large share
   * of the garbage (young-GC pauses were about a fifth of the benchmark's wall time). The two share
   * the arrays: the copy may append in place (the snapshot's version reads only below its size),
   * anything else on either clones them first. A copy of a frozen version is frozen too: another
   * copy may already be appending.
   */
  public HeldTransactions copy() {
    HeldTransactions copy =
        new HeldTransactions(
            size,
            times,
            ids,
            idForms,
            amounts,
            codes.clone(),
            dictionary,
            dictionaryForms,
            hashes,
            dictionarySize);
    copy.compactedSize = compactedSize;
    copy.index = index;
    copy.sharing = sharing == Sharing.FROZEN ? Sharing.FROZEN : Sharing.APPEND;
    sharing = Sharing.FROZEN;
    return copy;
  }

  // The form in snapshots (GroupStateSerializer): int size, int dictionary size, the dictionary's
  // values, then per transaction: long time, byte mask (id, amount present), the id, the amount,
  // and each coded column's code + 1 as a var-int (0: absent).

  void writeTo(DataOutputView out) throws IOException {
    out.writeInt(size);
    out.writeInt(dictionarySize);
    for (int code = 0; code < dictionarySize; code++) {
      CompactFields.writeString(dictionary[code], dictionaryForms[code], out);
    }
    for (int i = 0; i < size; i++) {
      out.writeLong(times[i]);
      out.writeByte((ids[i] != null ? 1 : 0) | (amounts[i] != null ? 2 : 0));
      if (ids[i] != null) {
        CompactFields.writeString(ids[i], idForms[i], out);
      }
      if (amounts[i] != null) {
        CompactFields.writeAmount(amounts[i], out);
      }
      for (int[] column : codes) {
        writeVarInt(column[i] + 1, out);
      }
    }
  }

  static HeldTransactions readFrom(DataInputView in) throws IOException {
    int size = in.readInt();
    int dictionarySize = in.readInt();
    String[] dictionary = new String[Math.max(8, dictionarySize)];
    byte[][] dictionaryForms = new byte[dictionary.length][];
    int[] hashes = new int[dictionary.length];
    for (int code = 0; code < dictionarySize; code++) {
      dictionary[code] = CompactFields.readString(in);
      dictionaryForms[code] = CompactFields.asciiForm(dictionary[code]);
      hashes[code] = dictionary[code].hashCode();
    }
    int capacity = Math.max(4, size);
    long[] times = new long[capacity];
    String[] ids = new String[capacity];
    byte[][] idForms = new byte[capacity][];
    BigDecimal[] amounts = new BigDecimal[capacity];
    int[][] codes = new int[CODED.length][capacity];
    for (int i = 0; i < size; i++) {
      times[i] = in.readLong();
      int mask = in.readUnsignedByte();
      ids[i] = (mask & 1) != 0 ? CompactFields.readString(in) : null;
      idForms[i] = ids[i] == null ? null : CompactFields.asciiForm(ids[i]);
      amounts[i] = (mask & 2) != 0 ? CompactFields.readAmount(in) : null;
      for (int[] column : codes) {
        column[i] = readVarInt(in) - 1;
      }
    }
    return new HeldTransactions(
        size,
        times,
        ids,
        idForms,
        amounts,
        codes,
        dictionary,
        dictionaryForms,
        hashes,
        dictionarySize);
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
    if (!(o instanceof HeldTransactions other) || other.size != size) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (times[i] != other.times[i]
          || !Objects.equals(ids[i], other.ids[i])
          || !Objects.equals(amounts[i], other.amounts[i])) {
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
    return Objects.hash(size, size == 0 ? 0 : times[size - 1]);
  }

  @Override
  public String toString() {
    return "HeldTransactions[" + size + " transactions, " + dictionarySize + " values]";
  }
}
