package io.fraudpipeline.control.backtests;

import io.fraudpipeline.model.FraudAlert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a backtest found: the alerts the candidate rules would have raised on the transactions of
 * the range (event time in {@code [from, to)}), and how they compare with what the live job raised
 * there.
 *
 * @param from start of the range
 * @param to end of the range (exclusive)
 * @param rules the candidate rule ids
 * @param recordsRead transaction records the bounded job read (the range and, before it, the widest
 *     window)
 * @param alerts alerts the candidates would raise (one per transaction and rule)
 * @param alertedTransactions distinct transactions among them
 * @param distinctAccounts distinct accounts among them
 * @param alertsPerRule alerts by candidate rule id (every candidate listed, zero included)
 * @param alertsPerHour alerts by hour of their transaction's event time (UTC), hours with none left
 *     out
 * @param sample the earliest alerts by event time, at most {@code fraud.backtests.sample-size}
 * @param overlap the comparison with the live alerts of the range, by transaction id: active and
 *     shadow
 */
record BacktestReport(
    Instant from,
    Instant to,
    List<String> rules,
    long recordsRead,
    long alerts,
    long alertedTransactions,
    long distinctAccounts,
    Map<String, Long> alertsPerRule,
    List<HourCount> alertsPerHour,
    List<FraudAlert> sample,
    Overlap overlap) {

  /** Alerts whose transaction's event time falls in the hour starting at {@code hour}. */
  record HourCount(Instant hour, long alerts) {}

  /**
   * The backtest's alerted transactions against those the live job alerted on (read committed,
   * transactions of the range): the alerts topic (any rule), and beside it the shadow topic.
   *
   * @param liveAlerts alerts on the alerts topic for transactions of the range
   * @param liveTransactions distinct transactions among them
   * @param both transactions alerted by the backtest and live
   * @param onlyLive transactions alerted live but not by the backtest
   * @param onlyBacktest transactions the backtest alerts on that were not alerted live
   * @param shadow the same against the shadow topic (rules in shadow state): for an analyst who put
   *     a rule in shadow and backtests it
   */
  record Overlap(
      long liveAlerts,
      long liveTransactions,
      long both,
      long onlyLive,
      long onlyBacktest,
      Comparison shadow) {

    static Overlap of(Comparison active, Comparison shadow) {
      return new Overlap(
          active.liveAlerts(),
          active.liveTransactions(),
          active.both(),
          active.onlyLive(),
          active.onlyBacktest(),
          shadow);
    }
  }

  /**
   * The backtest's alerted transactions against those of some live alerts.
   *
   * @param liveAlerts the live alerts of the range
   * @param liveTransactions distinct transactions among them
   * @param both transactions alerted by the backtest and live
   * @param onlyLive transactions alerted live but not by the backtest
   * @param onlyBacktest transactions the backtest alerts on that were not alerted live
   */
  record Comparison(
      long liveAlerts, long liveTransactions, long both, long onlyLive, long onlyBacktest) {

    static Comparison of(Set<String> backtestTransactions, List<FraudAlert> live) {
      Set<String> liveTransactions = new HashSet<>();
      live.forEach(a -> liveTransactions.add(a.transaction().transactionId()));
      long both = backtestTransactions.stream().filter(liveTransactions::contains).count();
      return new Comparison(
          live.size(),
          liveTransactions.size(),
          both,
          liveTransactions.size() - both,
          backtestTransactions.size() - both);
    }
  }

  /**
   * The report of a backtest's alerts.
   *
   * @param live the live alerts of the range, of both topics: an alert of a rule in shadow state
   *     says so ({@link FraudAlert#shadow()}), as the job routes it by that to the shadow topic
   */
  static BacktestReport of(
      BacktestRequest request,
      long recordsRead,
      List<FraudAlert> backtest,
      List<FraudAlert> live,
      int sampleSize) {
    Set<String> transactions = new HashSet<>();
    Set<String> accounts = new HashSet<>();
    Map<String, Long> perRule = new TreeMap<>();
    request.ruleIds().forEach(id -> perRule.put(id, 0L));
    Map<Instant, Long> perHour = new TreeMap<>();
    for (FraudAlert alert : backtest) {
      transactions.add(alert.transaction().transactionId());
      if (alert.accountId() != null) {
        accounts.add(alert.accountId());
      }
      perRule.merge(alert.ruleId(), 1L, Long::sum);
      perHour.merge(
          alert.eventTime().truncatedTo(java.time.temporal.ChronoUnit.HOURS), 1L, Long::sum);
    }
    List<FraudAlert> sample = new ArrayList<>(backtest);
    sample.sort(
        Comparator.comparing(FraudAlert::eventTime)
            .thenComparing(FraudAlert::alertId, Comparator.naturalOrder()));
    return new BacktestReport(
        request.from(),
        request.to(),
        request.ruleIds(),
        recordsRead,
        backtest.size(),
        transactions.size(),
        accounts.size(),
        perRule,
        perHour.entrySet().stream().map(e -> new HourCount(e.getKey(), e.getValue())).toList(),
        List.copyOf(sample.subList(0, Math.min(sampleSize, sample.size()))),
        Overlap.of(
            Comparison.of(transactions, live.stream().filter(a -> !a.shadow()).toList()),
            Comparison.of(transactions, live.stream().filter(FraudAlert::shadow).toList())));
  }
}
