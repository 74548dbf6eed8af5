package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.web.JobIdParameter;
import io.fraudpipeline.control.web.NoParameters;
import io.fraudpipeline.control.web.OperationResponses;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The fraud jobs as Flink reports them, and a savepoint on request. The commands that replace or
 * stop the job are changes of the desired state: {@code pipeline.JobCommandsController}.
 */
@RestController
@RequestMapping(
    path = "/api/v1/jobs",
    produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
@Tag(name = "jobs", description = "The fraud job's lifecycle on Flink")
class JobsController {

  private final JobOperations jobOperations;
  private final FraudJobObserver observer;

  JobsController(JobOperations jobOperations, FraudJobObserver observer) {
    this.jobOperations = jobOperations;
    this.observer = observer;
  }

  /**
   * The fraud jobs Flink knows.
   *
   * @param observedAt when Flink was last asked (every {@code fraud.flink.poll-interval})
   * @param jobs the active job first, then ended ones, newest first
   */
  record JobList(Instant observedAt, List<FraudJob> jobs) {}

  @GetMapping
  @io.swagger.v3.oas.annotations.Operation(
      summary = "The fraud jobs on Flink, from the last observation")
  @ApiResponse(responseCode = "200", description = "The jobs, the active one first")
  @ApiResponse(
      responseCode = "503",
      description = "flink-unavailable: Flink unreachable, the state is unknown")
  JobList list() {
    Observation observation = observer.current().requireReachable();
    return new JobList(observation.observedAt(), observation.jobs());
  }

  @GetMapping("/{job_id}")
  @io.swagger.v3.oas.annotations.Operation(
      summary = "One fraud job: state, uptime, restarts, checkpoints, exceptions, rules version")
  @ApiResponse(responseCode = "200", description = "The job")
  @ApiResponse(responseCode = "404", description = "No fraud job with this id")
  @ApiResponse(
      responseCode = "503",
      description = "flink-unavailable: Flink unreachable, the state is unknown")
  FraudJob get(
      @PathVariable("job_id")
          @Pattern(regexp = JobIdParameter.PATTERN, message = JobIdParameter.MESSAGE)
          String jobId) {
    String id = JobIdParameter.normalize(jobId);
    Observation observation = observer.current().requireReachable();
    if (observation.job(id).isEmpty()
        && Duration.between(observation.observedAt(), Instant.now()).toMillis() > 500) {
      // A job deployed a moment ago may not be in the last poll yet.
      observation = observer.observeNow().requireReachable();
    }
    return observer.requireJob(observation, id);
  }

  @PostMapping("/{job_id}/savepoints")
  @io.swagger.v3.oas.annotations.Operation(
      summary = "Trigger a savepoint; the job keeps running (operation)")
  @ApiResponse(responseCode = "202", description = "Accepted; Location names the operation")
  @ApiResponse(responseCode = "404", description = "No fraud job with this id")
  @ApiResponse(
      responseCode = "409",
      description = "The job is not RUNNING or busy (operation_id: in progress on any replica)")
  @ApiResponse(responseCode = "502", description = "flink-error: Flink refused the savepoint")
  @ApiResponse(
      responseCode = "503",
      description = "flink-unavailable, or kafka-unavailable: the operation cannot be recorded")
  ResponseEntity<Operation> savepoint(
      @PathVariable("job_id")
          @Pattern(regexp = JobIdParameter.PATTERN, message = JobIdParameter.MESSAGE)
          String jobId,
      @RequestBody(required = false) NoParameters none) {
    return OperationResponses.accepted(jobOperations.savepoint(JobIdParameter.normalize(jobId)));
  }
}
