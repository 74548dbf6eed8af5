package io.fraudpipeline.control.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Placeholder until the Kafka-backed event log lands: events go to the log only. */
@Component
class LoggingEventRecorder implements EventRecorder {

  private static final Logger log = LoggerFactory.getLogger(LoggingEventRecorder.class);

  @Override
  public void record(PipelineEvent.Type type, String reason, String message, String jobId) {
    if (type == PipelineEvent.Type.WARNING) {
      log.warn("{}: {} (job {})", reason, message, jobId);
    } else {
      log.info("{}: {} (job {})", reason, message, jobId);
    }
  }
}
