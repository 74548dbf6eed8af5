package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.ClusterOverview;
import io.fraudpipeline.control.flink.FlinkRequestException;
import io.fraudpipeline.control.flink.FlinkRestClient;
import io.fraudpipeline.control.flink.FlinkUnavailableException;
import io.fraudpipeline.control.savepoints.SavepointHistory;
import io.fraudpipeline.control.savepoints.SavepointRecord;
import io.fraudpipeline.control.web.ApiException;
import io.fraudpipeline.control.web.FieldProblem;
import io.fraudpipeline.control.web.ProblemType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.webmonitor.handlers.JarRunRequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Deploys the embedded fraud job. One deploy at a time, and only when Flink runs no fraud job; the
 * Flink JobID is chosen before the run request, so a run whose answer was lost is recognised rather
 * than repeated.
 */
@Component
public class JobDeployer {

  /**
   * Global job parameter carrying the delivery guarantee, so a rescale can keep it and reads can
   * show it: Flink keeps the job's parameters, the control plane keeps nothing.
   */
  static final String GUARANTEE_CONFIG_KEY = "fraud.control.delivery-guarantee";

  private static final Logger log = LoggerFactory.getLogger(JobDeployer.class);

  private final FlinkRestClient flink;
  private final JobJarUploader uploader;
  private final EmbeddedJobJar jar;
  private final FraudJobArguments arguments;
  private final SavepointHistory savepoints;
  private final FraudJobObserver observer;
  private final JobProperties properties;
  private final ReentrantLock lock = new ReentrantLock();

  JobDeployer(
      FlinkRestClient flink,
      JobJarUploader uploader,
      EmbeddedJobJar jar,
      FraudJobArguments arguments,
      SavepointHistory savepoints,
      FraudJobObserver observer,
      JobProperties properties) {
    this.flink = flink;
    this.uploader = uploader;
    this.jar = jar;
    this.arguments = arguments;
    this.savepoints = savepoints;
    this.observer = observer;
    this.properties = properties;
  }

  public Deployment deploy(DeployRequest request) {
    int parallelism =
        request.parallelism() == null ? properties.parallelism() : request.parallelism();
    requireParallelismWithinLimit(parallelism);
    DeliveryGuarantee guarantee =
        request.deliveryGuarantee() == null
            ? properties.deliveryGuarantee()
            : request.deliveryGuarantee();
    boolean allowNonRestored = Boolean.TRUE.equals(request.allowNonRestoredState());
    lock.lock();
    try {
      requireNoActiveFraudJob();
      String savepointPath = null;
      if (request.restore() != null) {
        savepointPath =
            request.restore().wantsLatest()
                ? latestSavepoint()
                : request.restore().savepointPath().strip();
      }
      requireFreeSlots(parallelism, 0);
      return run(parallelism, guarantee, savepointPath, allowNonRestored);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts the job again from the savepoint a rescale just took; the old job has ended, its slots
   * count as free.
   */
  String redeploy(int parallelism, DeliveryGuarantee guarantee, String savepointPath) {
    lock.lock();
    try {
      requireNoActiveFraudJob();
      return run(parallelism, guarantee, savepointPath, false).jobId();
    } finally {
      lock.unlock();
    }
  }

  /** The delivery guarantee a running job was deployed with, from its parameters on Flink. */
  DeliveryGuarantee deployedGuarantee(JobID jobId) {
    try {
      String value = flink.jobParameters(jobId).get(GUARANTEE_CONFIG_KEY);
      if (value != null) {
        return DeliveryGuarantee.parse(value);
      }
    } catch (FlinkRequestException | IllegalArgumentException e) {
      log.debug("No delivery guarantee in the parameters of {}", jobId, e);
    }
    log.warn(
        "Job {} does not say its delivery guarantee; using the default {}",
        jobId,
        properties.deliveryGuarantee().argument());
    return properties.deliveryGuarantee();
  }

  void requireParallelismWithinLimit(int parallelism) {
    if (parallelism > properties.maxParallelism()) {
      String message =
          "must be at most " + properties.maxParallelism() + " (fraud.job.max-parallelism)";
      throw new ApiException(
          ProblemType.VALIDATION,
          "Invalid field 'parallelism': " + message,
          Map.of("errors", List.of(new FieldProblem("parallelism", message))));
    }
  }

  /** Fails with 409 unless Flink has {@code parallelism} free slots (plus those being freed). */
  void requireFreeSlots(int parallelism, int slotsBeingFreed) {
    ClusterOverview cluster = flink.clusterOverview();
    int free = cluster.slotsAvailable() + slotsBeingFreed;
    if (parallelism > free) {
      throw new ApiException(
          ProblemType.CONFLICT,
          "Parallelism "
              + parallelism
              + " needs "
              + parallelism
              + " free task slots; Flink has "
              + free
              + " of "
              + cluster.slotsTotal()
              + " ("
              + cluster.taskManagers()
              + " TaskManagers)",
          Map.of("slots_available", free, "slots_total", cluster.slotsTotal()));
    }
  }

  private void requireNoActiveFraudJob() {
    for (JobDetails job : flink.jobsOverview()) {
      if (properties.name().equals(job.getJobName())
          && !job.getStatus().isGloballyTerminalState()) {
        throw new ApiException(
            ProblemType.CONFLICT,
            "The fraud job already runs on Flink as "
                + job.getJobId()
                + " ("
                + job.getStatus()
                + "); stop or cancel it first",
            Map.of(
                "running_job_id", job.getJobId().toHexString(),
                "running_job_state", job.getStatus().name()));
      }
    }
  }

  private String latestSavepoint() {
    return savepoints
        .latest()
        .map(SavepointRecord::path)
        .orElseThrow(
            () ->
                new ApiException(
                    ProblemType.CONFLICT,
                    "restore.latest asks for the newest savepoint, but the savepoint history is"
                        + " empty; stop the job with a savepoint first or give savepoint_path"));
  }

  private Deployment run(
      int parallelism,
      DeliveryGuarantee guarantee,
      String savepointPath,
      boolean allowNonRestored) {
    JobJarUploader.UploadedJar uploaded = uploader.ensureUploaded();
    JobID jobId = new JobID();
    JarRunRequestBody body =
        new JarRunRequestBody(
            jar.entryClass(),
            arguments.build(guarantee),
            parallelism,
            jobId,
            allowNonRestored,
            savepointPath,
            // The savepoint stays the user's: later restores from it keep working.
            RecoveryClaimMode.NO_CLAIM,
            Map.of(
                "pipeline.global-job-parameters",
                GUARANTEE_CONFIG_KEY + ":" + guarantee.argument()));
    String jarId = uploaded.jarId();
    try {
      submit(jarId, body, jobId);
    } catch (FlinkRequestException e) {
      if (!e.isNotFound()) {
        throw e;
      }
      // Flink lost the jar (e.g. a JobManager restart since the listing): upload and try again.
      log.info("Flink no longer has jar {}; uploading it again", jarId);
      jarId = uploader.ensureUploaded().jarId();
      submit(jarId, body, jobId);
    }
    log.info(
        "Deployed fraud job {} (parallelism {}, {}, restore {})",
        jobId,
        parallelism,
        guarantee.argument(),
        savepointPath == null ? "none" : savepointPath);
    Observation observation = observer.observeNow();
    String state = observation.job(jobId.toHexString()).map(FraudJob::state).orElse("SUBMITTED");
    return new Deployment(
        jobId.toHexString(),
        state,
        parallelism,
        guarantee,
        savepointPath,
        jarId,
        jar.sha256(),
        uploaded.uploadedNow());
  }

  /**
   * Runs the jar under the given JobID. When the answer is lost, Flink may have started the job
   * anyway: ask for the JobID before trying again, and accept Flink's "already submitted" for it.
   */
  private void submit(String jarId, JarRunRequestBody body, JobID jobId) {
    try {
      flink.runJar(jarId, body);
    } catch (FlinkUnavailableException lost) {
      if (jobKnown(jobId)) {
        return;
      }
      log.warn("Run of {} got no answer ({}); trying once more", jobId, lost.getMessage());
      try {
        flink.runJar(jarId, body);
      } catch (FlinkRequestException duplicate) {
        if (!jobKnown(jobId)) {
          throw duplicate;
        }
      }
    } catch (FlinkRequestException refused) {
      if (!refused.isNotFound() && jobKnown(jobId)) {
        return;
      }
      throw refused;
    }
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
