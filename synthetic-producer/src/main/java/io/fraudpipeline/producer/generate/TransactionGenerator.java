package io.fraudpipeline.producer.generate;

import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.Transaction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An endless, deterministic stream of labelled transaction records: the same {@link
 * GeneratorSettings} give the same records, byte for byte, on any JVM.
 *
 * <p>Records are legit traffic, injected fraud (high amounts and velocity bursts) at {@link
 * GeneratorSettings#fraudRatio()}, and malformed input at {@link
 * GeneratorSettings#malformedRatio()}. Pools of accounts and merchants are built once in the
 * constructor, so {@link #next()} only draws numbers and encodes one record.
 *
 * <p>Not thread-safe: one generator feeds one sending thread.
 */
public final class TransactionGenerator implements Iterator<GeneratedRecord> {

  private static final Country[] COUNTRIES = Country.values();
  private static final List<Label> MALFORMED = Label.malformedKinds();

  /** Share of transactions made outside the account's home country. */
  private static final double ABROAD_SHARE = 0.04;

  private final GeneratorSettings settings;
  private final SplittableRandom random;
  private final AccountPool accounts;
  private final MerchantPool merchants;
  private final VelocityGuard guard;
  private final AmountSampler amounts;
  private final String idPrefix;
  private final long startMillis;

  // Per-decision probabilities; a burst, once started, takes the next records without a decision.
  private final double highAmountBelow;
  private final double burstBelow;
  private final double malformedBelow;

  private long sequence;
  private int burstRemaining;
  private int burstAccount;
  private int burstMerchant;
  private Label burstLabel = Label.VELOCITY_BURST;
  private int[] spreeMerchants;

  public TransactionGenerator(GeneratorSettings settings) {
    if (settings.startTime() == null) {
      throw new IllegalArgumentException(
          "the start time is not set; see GeneratorSettings#startingAt");
    }
    this.settings = settings;
    SplittableRandom root = new SplittableRandom(settings.seed());
    this.accounts = new AccountPool(settings.accounts(), root.split());
    this.merchants = new MerchantPool(settings.merchants(), root.split());
    this.random = root.split();
    this.guard =
        new VelocityGuard(
            settings.accounts(),
            GeneratorSettings.spacingMillis(
                settings.velocityMaxTransactions(), settings.velocityWindow()),
            settings.velocityWindow().toMillis());
    this.amounts = new AmountSampler(settings.amountThreshold());
    this.startMillis = settings.startTime().toEpochMilli();
    this.idPrefix = "tx-" + runTag(settings.seed(), startMillis) + "-";
    // Builds the codec now, with the pools, rather than on the first record of a run.
    FraudJson.mapper();

    // Solve for the per-decision probabilities that give the requested shares of records: a
    // burst decision yields burstSize records, every other decision one.
    double fraudBursts = settings.fraudRatio() * settings.velocityShare();
    int size = settings.burstSize();
    double burst = fraudBursts / (size - fraudBursts * (size - 1));
    double recordsPerDecision = 1 + burst * (size - 1);
    double high = settings.fraudRatio() * (1 - settings.velocityShare()) * recordsPerDecision;
    double malformed = settings.malformedRatio() * recordsPerDecision;
    this.highAmountBelow = high;
    this.burstBelow = high + burst;
    this.malformedBelow = high + burst + malformed;
  }

  public GeneratorSettings settings() {
    return settings;
  }

  /** Always true: the stream is endless; the caller bounds it. */
  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public GeneratedRecord next() {
    long seq = sequence++;
    long nowMillis =
        startMillis + GeneratorSettings.millisForEvents(seq, settings.eventsPerSecond());
    if (burstRemaining > 0) {
      return nextInBurst(seq, nowMillis);
    }
    double decision = random.nextDouble();
    if (decision < highAmountBelow) {
      int account = guard.takeAccount(random, nowMillis);
      Transaction tx = transaction(seq, account, merchants.pick(random), nowMillis, true);
      return encoded(seq, tx, Label.HIGH_AMOUNT);
    }
    if (decision < burstBelow) {
      burstAccount = guard.takeAccount(random, nowMillis);
      burstMerchant = merchants.pick(random);
      burstRemaining = settings.burstSize();
      burstLabel = burstPattern();
      if (burstLabel == Label.MERCHANT_SPREE) {
        spreeMerchants = distinctlyNamedMerchants(burstMerchant, settings.burstSize());
      }
      return nextInBurst(seq, nowMillis);
    }
    if (decision < malformedBelow) {
      // Malformed records never reach the job's rules, so their account needs no guard.
      int account = random.nextInt(accounts.size());
      Transaction tx = transaction(seq, account, merchants.pick(random), nowMillis, false);
      Label kind = MALFORMED.get(random.nextInt(MALFORMED.size()));
      return new GeneratedRecord(seq, tx.accountId(), MalformedValues.encode(kind, tx), kind, tx);
    }
    int account = guard.takeAccount(random, nowMillis);
    Transaction tx = transaction(seq, account, merchants.pick(random), nowMillis, false);
    return encoded(seq, tx, Label.LEGIT);
  }

  private GeneratedRecord nextInBurst(long seq, long nowMillis) {
    burstRemaining--;
    if (burstRemaining == 0) {
      guard.coolDownAfterBurst(burstAccount, nowMillis);
    }
    int index = settings.burstSize() - burstRemaining - 1;
    Transaction tx =
        switch (burstLabel) {
          case MERCHANT_SPREE -> {
            int merchant = spreeMerchants[index % spreeMerchants.length];
            yield transaction(seq, burstAccount, merchant, nowMillis, false);
          }
          case SPLIT_PAYMENTS -> {
            Transaction plain = transaction(seq, burstAccount, burstMerchant, nowMillis, false);
            yield new Transaction(
                plain.transactionId(),
                plain.accountId(),
                splitAmount(),
                plain.currency(),
                plain.merchant(),
                plain.merchantCategory(),
                plain.country(),
                plain.timestamp());
          }
          default -> transaction(seq, burstAccount, burstMerchant, nowMillis, false);
        };
    return encoded(seq, tx, burstLabel);
  }

  /**
   * Up to {@code count} merchants from {@code first} on whose names all differ (pool names may
   * repeat), so a spree pays that many different merchants when the pool has them.
   */
  private int[] distinctlyNamedMerchants(int first, int count) {
    java.util.Set<String> names = new java.util.HashSet<>();
    int[] picked = new int[count];
    int found = 0;
    for (int i = 0; i < settings.merchants() && found < count; i++) {
      int merchant = (first + i) % settings.merchants();
      if (names.add(merchants.name(merchant))) {
        picked[found++] = merchant;
      }
    }
    return java.util.Arrays.copyOf(picked, found);
  }

  /** Which pattern a new burst follows; draws nothing while the pattern share is 0. */
  private Label burstPattern() {
    if (settings.patternShare() <= 0 || random.nextDouble() >= settings.patternShare()) {
      return Label.VELOCITY_BURST;
    }
    return random.nextBoolean() ? Label.MERCHANT_SPREE : Label.SPLIT_PAYMENTS;
  }

  /**
   * One of a split payment's parts: 1.5 × the threshold over the burst, rounded down to cents, so
   * each part stays under the threshold and the parts together exceed it.
   */
  private BigDecimal splitAmount() {
    return settings
        .amountThreshold()
        .multiply(new BigDecimal("1.5"))
        .divide(BigDecimal.valueOf(settings.burstSize()), 2, java.math.RoundingMode.DOWN);
  }

  private Transaction transaction(
      long seq, int account, int merchant, long nowMillis, boolean highAmount) {
    MerchantCategory category = merchants.category(merchant);
    BigDecimal amount = highAmount ? amounts.high(random) : amounts.legit(category, random);
    Country home = accounts.homeCountry(account);
    Country country =
        random.nextDouble() < ABROAD_SHARE ? COUNTRIES[random.nextInt(COUNTRIES.length)] : home;
    return new Transaction(
        idPrefix + seq,
        accounts.id(account),
        amount,
        home.currency(),
        merchants.name(merchant),
        category.wireName(),
        country.code(),
        Instant.ofEpochMilli(nowMillis));
  }

  private static GeneratedRecord encoded(long seq, Transaction tx, Label label) {
    return new GeneratedRecord(seq, tx.accountId(), FraudJson.write(tx), label, tx);
  }

  /**
   * A short tag that differs between runs with a different seed or start time, so their transaction
   * ids (and so the job's alert ids) do not collide.
   */
  private static String runTag(long seed, long startMillis) {
    long mixed = new SplittableRandom(seed ^ Long.rotateLeft(startMillis, 32)).nextLong();
    String tag = Long.toString(mixed >>> 24, 36); // 40 bits: at most 8 base-36 digits
    return "0".repeat(8 - tag.length()) + tag; // fixed width, so record sizes do not vary by run
  }
}
