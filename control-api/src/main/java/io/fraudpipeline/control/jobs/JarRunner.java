package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.DuplicateJobException;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkRestClient;
import io.fraudpipeline.flink.FlinkUnavailableException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.webmonitor.handlers.JarRunRequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs a job jar on Flink under a JobID the caller chose, for the fraud job and for backtests
 * alike: uploads the jar again when Flink lost it (a JobManager restart since the listing), and
 * when the answer to a run is lost asks Flink for the JobID before trying again, so that a job
 * Flink started is neither started twice nor left running behind a reported failure.
 */
@Component
public class JarRunner {

  private static final Logger log = LoggerFactory.getLogger(JarRunner.class);

  private final FlinkRestClient flink;
  private final JobJarUploader uploader;

  JarRunner(FlinkRestClient flink, JobJarUploader uploader) {
    this.flink = flink;
    this.uploader = uploader;
  }

  /**
   * Runs {@code jar} with the request's arguments under {@code body}'s JobID.
   *
   * @throws DuplicateJobException when Flink already has (or had) a job with that id from an
   *     earlier request: not this call's run
   */
  public void run(JobJar jar, JarRunRequestBody body) {
    JobID jobId = body.getJobId();
    String jarId = uploader.ensureUploaded(jar).jarId();
    try {
      runOnce(jarId, body, jobId);
    } catch (FlinkRequestException e) {
      if (!e.isNotFound()) {
        throw e;
      }
      log.info("Flink no longer has jar {}; uploading it again", jarId);
      runOnce(uploader.ensureUploaded(jar).jarId(), body, jobId);
    }
  }

  private void runOnce(String jarId, JarRunRequestBody body, JobID jobId) {
    try {
      flink.runJar(jarId, body);
    } catch (FlinkUnavailableException lost) {
      if (jobKnown(jobId)) {
        // Our own request went through before the answer was lost.
        return;
      }
      log.warn("Run of {} got no answer ({}); trying once more", jobId, lost.getMessage());
      try {
        flink.runJar(jarId, body);
      } catch (FlinkRequestException refused) {
        if (!jobKnown(jobId)) {
          throw refused;
        }
      }
    } catch (FlinkRequestException refused) {
      if (isDuplicate(refused)) {
        throw new DuplicateJobException(jobId.toHexString(), refused);
      }
      throw refused;
    }
  }

  /**
   * Flink's refusal of a JobID it has seen. A run that fails to initialise (e.g. a savepoint that
   * cannot be read) also leaves its JobID known, as FAILED, so only Flink's own words tell.
   */
  private static boolean isDuplicate(FlinkRequestException refused) {
    String message = String.valueOf(refused.getMessage());
    return message.contains("DuplicateJobSubmission") || message.contains("already been submitted");
  }

  private boolean jobKnown(JobID jobId) {
    try {
      flink.jobDetails(jobId);
      return true;
    } catch (FlinkRequestException e) {
      return false;
    }
  }
}
