package io.fraudpipeline.job.parse;

import io.fraudpipeline.job.JobMetrics;
import io.fraudpipeline.job.dlq.DeadLetter;
import io.fraudpipeline.model.Transaction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Valid transactions go on; rejected records go to the dead-letter side output. */
public final class ValidationRouter extends ProcessFunction<ParsedRecord, Transaction> {

  private static final long serialVersionUID = 1L;

  /** Rejected records, bound for the dead-letter topic. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private transient Counter transactionsIn;
  private transient Counter dlqRecords;

  @Override
  public void open(OpenContext openContext) {
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    transactionsIn = metrics.counter(JobMetrics.TRANSACTIONS_IN);
    dlqRecords = metrics.counter(JobMetrics.DLQ_RECORDS);
  }

  @Override
  public void processElement(ParsedRecord record, Context ctx, Collector<Transaction> out) {
    transactionsIn.inc();
    if (record instanceof ParsedRecord.Accepted accepted) {
      out.collect(accepted.transaction());
    } else {
      dlqRecords.inc();
      ctx.output(DEAD_LETTERS, ((ParsedRecord.Rejected) record).deadLetter());
    }
  }
}
