package io.fraudpipeline.control.producer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Records sent, acknowledged and failed by all producer runs, and their current rate. */
@Component
class ProducerMetrics {

  ProducerMetrics(MeterRegistry registry, ProducerRuns runs) {
    FunctionCounter.builder("fraud.producer.records.sent", runs, ProducerRuns::totalSent)
        .description("Records producer runs handed to Kafka")
        .register(registry);
    FunctionCounter.builder(
            "fraud.producer.records.acknowledged", runs, ProducerRuns::totalAcknowledged)
        .description("Records of producer runs the broker acknowledged (acks=all)")
        .register(registry);
    FunctionCounter.builder("fraud.producer.records.failed", runs, ProducerRuns::totalFailed)
        .description("Records of producer runs Kafka reported as failed")
        .register(registry);
    Gauge.builder("fraud.producer.records.per.second", runs, ProducerRuns::currentRate)
        .description("Acknowledged records per second of the running producer runs, together")
        .register(registry);
    Gauge.builder("fraud.producer.runs.active", runs, ProducerRuns::activeRuns)
        .description("Producer runs sending or flushing")
        .register(registry);
  }
}
