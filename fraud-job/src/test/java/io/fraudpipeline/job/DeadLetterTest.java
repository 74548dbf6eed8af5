package io.fraudpipeline.job;

import static io.fraudpipeline.job.support.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fraudpipeline.job.support.FlinkJobProbe;
import io.fraudpipeline.job.support.JobRunner;
import io.fraudpipeline.job.support.PipelineTestBase;
import io.fraudpipeline.job.support.TestTopics;
import io.fraudpipeline.model.DlqHeaders;
import io.fraudpipeline.model.FraudAlert;
import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.Transaction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** Records the job cannot use go to the dead-letter topic, unchanged, and never stop the job. */
class DeadLetterTest extends PipelineTestBase {

  /** One poison record and the words its DLQ reason must contain. */
  record Poison(String name, byte[] value, String reason) {}

  static List<Poison> corpus() {
    byte[] megabyte = new byte[1024 * 1024];
    Arrays.fill(megabyte, (byte) 'x');
    byte[] head = utf8("{\"transaction_id\":\"big\",\"amount\":1,\"pad\":\"");
    System.arraycopy(head, 0, megabyte, 0, head.length);
    megabyte[megabyte.length - 2] = '"';
    megabyte[megabyte.length - 1] = '}';
    // 0xC3 0x28: a two-byte sequence whose second byte is not a continuation byte.
    byte[] withBadByte =
        concat(
            utf8("{\"transaction_id\":\""),
            new byte[] {(byte) 0xC3, 0x28},
            utf8("\",\"amount\":1}"));
    return List.of(
        new Poison("not JSON", utf8("hello fraud"), "not valid JSON"),
        new Poison("empty", new byte[0], "empty record"),
        new Poison("tombstone", null, "empty record"),
        new Poison("JSON null", utf8("null"), "expected a JSON object"),
        new Poison("array", utf8("[1,2]"), "expected a JSON object"),
        new Poison(
            "numeric id",
            utf8("{\"transaction_id\":12,\"amount\":5}"),
            "field 'transaction_id' has the wrong type"),
        new Poison(
            "amount as text",
            utf8("{\"transaction_id\":\"p1\",\"amount\":\"12\"}"),
            "field 'amount' has the wrong type"),
        new Poison(
            "missing id", utf8("{\"amount\":10}"), "missing required field 'transaction_id'"),
        new Poison(
            "missing amount",
            utf8("{\"transaction_id\":\"p2\"}"),
            "missing required field 'amount'"),
        new Poison(
            "zero amount",
            utf8("{\"transaction_id\":\"p3\",\"amount\":0}"),
            "amount must be greater than 0"),
        new Poison(
            "negative amount",
            utf8("{\"transaction_id\":\"p4\",\"amount\":-5}"),
            "amount must be greater than 0"),
        new Poison(
            "NaN amount", utf8("{\"transaction_id\":\"p5\",\"amount\":NaN}"), "not valid JSON"),
        new Poison(
            "huge amount", utf8("{\"transaction_id\":\"p6\",\"amount\":1e30}"), "absurdly large"),
        new Poison("1 MB value", megabyte, "exceeds the limit of 65536 bytes"),
        new Poison("invalid UTF-8", withBadByte, "not valid UTF-8"),
        new Poison(
            "timestamp out of range",
            utf8(
                "{\"transaction_id\":\"p7\",\"amount\":1,\"timestamp\":\"+999999999-12-31T23:59:59Z\"}"),
            "is outside 1970-01-01 .. 9999-12-31"),
        new Poison(
            "dated a year ahead",
            utf8(
                "{\"transaction_id\":\"p8\",\"amount\":1,\"timestamp\":\""
                    + Instant.now().plus(Duration.ofDays(365))
                    + "\"}"),
            "ahead of the Kafka record's own timestamp"));
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void sendsEveryPoisonRecordToTheDlqWithItsReasonWhileGoodRecordsAroundThemAreJudged(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    TestTopics t = TestTopics.create(kafka(), "poison", 2);
    JobID job = JobRunner.submit(cluster, t.params(), 2);

    // Good records before, between and after the poison, all on partition 0 like the poison.
    Map<Long, Poison> poisonByOffset = new HashMap<>();
    List<String> goodAlerts = new ArrayList<>();
    int good = 0;
    for (Poison poison : corpus()) {
      Transaction fraud = tx("good-" + good++, "acc", "7000");
      goodAlerts.add(fraud.transactionId() + ":amount_threshold");
      client().send(new ProducerRecord<>(t.tx(), 0, utf8("acc"), FraudJson.write(fraud)));
      client()
          .send(
              new ProducerRecord<>(
                  t.tx(), 0, utf8("acc"), FraudJson.write(tx("fine-" + good, "acc", "10"))));
      RecordMetadata sent =
          client().send(new ProducerRecord<>(t.tx(), 0, utf8("acc"), poison.value()));
      poisonByOffset.put(sent.offset(), poison);
    }
    Transaction last = tx("good-last", "acc", "9000");
    client().send(new ProducerRecord<>(t.tx(), 0, utf8("acc"), FraudJson.write(last)));
    goodAlerts.add("good-last:amount_threshold");

    List<ConsumerRecord<byte[], byte[]>> dead =
        client().readCommitted(t.dlq(), r -> r.size() >= poisonByOffset.size(), WAIT);
    List<FraudAlert> alerts = client().alertsSettled(t.alerts(), goodAlerts.size(), WAIT, SETTLE);

    assertThat(dead).hasSize(poisonByOffset.size());
    for (ConsumerRecord<byte[], byte[]> letter : dead) {
      long offset = Long.parseLong(header(letter, DlqHeaders.SOURCE_OFFSET));
      Poison poison = poisonByOffset.get(offset);
      assertThat(poison).as("DLQ record for source offset %d", offset).isNotNull();
      assertThat(header(letter, DlqHeaders.REASON)).as(poison.name()).contains(poison.reason());
      assertThat(header(letter, DlqHeaders.SOURCE_TOPIC)).isEqualTo(t.tx());
      assertThat(header(letter, DlqHeaders.SOURCE_PARTITION)).isEqualTo("0");
      assertThat(letter.value()).as(poison.name()).isEqualTo(poison.value());
      assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("acc");
    }
    assertThat(ids(alerts)).containsExactlyInAnyOrderElementsOf(goodAlerts);
    assertThat(alerts).hasSize(goodAlerts.size());

    int recordsSent = 2 * poisonByOffset.size() + poisonByOffset.size() + 1;
    FlinkJobProbe rest = rest(cluster);
    assertThat(rest.numRestarts(job)).isZero();
    JobVertexID validate = rest.vertexOf(job, Operators.VALIDATE);
    JobVertexID evaluate = rest.vertexOf(job, Operators.EVALUATE_RULES);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(
                      rest.subtaskSum(
                          job, validate, Operators.VALIDATE + "." + JobMetrics.DLQ_RECORDS))
                  .hasValue(poisonByOffset.size());
              assertThat(
                      rest.subtaskSum(
                          job, validate, Operators.VALIDATE + "." + JobMetrics.TRANSACTIONS_IN))
                  .hasValue(recordsSent);
              assertThat(
                      rest.subtaskSum(
                          job, evaluate, Operators.EVALUATE_RULES + "." + JobMetrics.ALERTS_OUT))
                  .hasValue(goodAlerts.size());
            });
  }
}
