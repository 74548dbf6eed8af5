package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import java.util.Map;
import org.apache.flink.api.common.JobID;

/**
 * What the control plane put in a job's global parameters when it submitted it: Flink keeps them
 * with the job, so every replica reads back the guarantee and the jar a job was deployed with.
 */
record JobParameters(Map<String, String> values) {

  /** Carries the delivery guarantee, so a replacement job can keep it. */
  static final String GUARANTEE = "fraud.control.delivery-guarantee";

  /** Carries the checksum of the jar the job runs, so upgrades can compare it. */
  static final String JAR = "fraud.control.jar-sha256";

  /** The job's parameters; none when Flink no longer has the job (it ended meanwhile). */
  static JobParameters of(FlinkRestClient flink, JobID jobId) {
    try {
      return new JobParameters(flink.jobParameters(jobId));
    } catch (FlinkRequestException e) {
      return new JobParameters(Map.of());
    }
  }

  /** The value of {@code pipeline.global-job-parameters} that carries them. */
  static String encode(DeliveryGuarantee guarantee, String jarSha256) {
    return GUARANTEE + ":" + guarantee.argument() + "," + JAR + ":" + jarSha256;
  }

  DeliveryGuarantee guarantee() {
    try {
      String value = values.get(GUARANTEE);
      return value == null ? null : DeliveryGuarantee.parse(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  String jarSha256() {
    return values.get(JAR);
  }
}
