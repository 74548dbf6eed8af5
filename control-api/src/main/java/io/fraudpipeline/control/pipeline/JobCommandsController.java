package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.jobs.DeployRequest;
import io.fraudpipeline.control.jobs.Deployment;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.web.Actor;
import io.fraudpipeline.control.web.JobIdParameter;
import io.fraudpipeline.control.web.NoParameters;
import io.fraudpipeline.control.web.OperationResponses;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.security.Principal;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The commands that replace or stop the fraud job (deploy, stop, rescale, cancel): each is a change
 * of the desired state, which the reconciler carries out. Reading the jobs and a savepoint on
 * request are {@code jobs.JobsController}'s.
 */
@RestController
@RequestMapping(
    path = "/api/v1/jobs",
    produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
@Tag(name = "jobs", description = "The fraud job's lifecycle on Flink")
class JobCommandsController {

  private final PipelineService pipeline;

  JobCommandsController(PipelineService pipeline) {
    this.pipeline = pipeline;
  }

  record StopRequest(
      @Schema(description = "Emit MAX_WATERMARK before stopping (ends event-time windows)")
          Boolean drain) {}

  record RescaleRequest(@NotNull @Min(1) Integer parallelism) {}

  @PostMapping
  @io.swagger.v3.oas.annotations.Operation(
      summary = "Deploy the embedded fraud job",
      description =
          "Declares the pipeline running (a new desired-state version that starts from the given"
              + " savepoint, or without state) and waits for the reconciler to run it. The jar is"
              + " uploaded unless Flink already holds its checksum; the desired state is changed"
              + " with compare-and-set, so concurrent deploys, on any replica, run one job.")
  @ApiResponse(responseCode = "201", description = "Submitted; Location names the job")
  @ApiResponse(
      responseCode = "409",
      description =
          "A fraud job already runs (running_job_id), too few slots, no savepoint, or a later"
              + " desired version suspended the pipeline meanwhile (superseded_by_version)")
  @ApiResponse(
      responseCode = "502",
      description = "flink-error: Flink refused, or the reconciler's step failed (desired_version)")
  @ApiResponse(responseCode = "503", description = "flink-unavailable or kafka-unavailable")
  ResponseEntity<Deployment> deploy(
      @Valid @RequestBody(required = false) DeployRequest request, Principal principal) {
    Deployment deployment =
        pipeline.deploy(
            request == null ? DeployRequest.defaults() : request, Actor.of(null, principal));
    return ResponseEntity.created(URI.create("/api/v1/jobs/" + deployment.jobId()))
        .body(deployment);
  }

  @PostMapping("/{job_id}/stop")
  @io.swagger.v3.oas.annotations.Operation(
      summary = "Stop the job with a savepoint (operation)",
      description =
          "Declares the pipeline suspended (the reconciler stops the job with a savepoint); 202"
              + " with an operation; its savepoint_path is what a restore takes.")
  @ApiResponse(responseCode = "202", description = "Accepted; Location names the operation")
  @ApiResponse(responseCode = "404", description = "No fraud job with this id")
  @ApiResponse(responseCode = "409", description = "The job is not RUNNING or busy")
  @ApiResponse(responseCode = "503", description = "flink-unavailable or kafka-unavailable")
  ResponseEntity<Operation> stop(
      @PathVariable("job_id")
          @Pattern(regexp = JobIdParameter.PATTERN, message = JobIdParameter.MESSAGE)
          String jobId,
      @Valid @RequestBody(required = false) StopRequest request,
      Principal principal) {
    boolean drain = request != null && Boolean.TRUE.equals(request.drain());
    return OperationResponses.accepted(
        pipeline.stop(JobIdParameter.normalize(jobId), drain, Actor.of(null, principal)));
  }

  @PostMapping("/{job_id}/rescale")
  @io.swagger.v3.oas.annotations.Operation(
      summary = "Stop with a savepoint, then run again from it at a new parallelism (operation)",
      description =
          "Declares the new parallelism; the reconciler replaces the job as the desired"
              + " upgrade_mode says (savepoint by default). The operation's new_job_id names the"
              + " replacing job.")
  @ApiResponse(responseCode = "202", description = "Accepted; Location names the operation")
  @ApiResponse(responseCode = "404", description = "No fraud job with this id")
  @ApiResponse(
      responseCode = "409",
      description = "Not RUNNING, busy, already at that parallelism, or too few slots")
  @ApiResponse(responseCode = "503", description = "flink-unavailable or kafka-unavailable")
  ResponseEntity<Operation> rescale(
      @PathVariable("job_id")
          @Pattern(regexp = JobIdParameter.PATTERN, message = JobIdParameter.MESSAGE)
          String jobId,
      @Valid @RequestBody RescaleRequest request,
      Principal principal) {
    return OperationResponses.accepted(
        pipeline.rescale(
            JobIdParameter.normalize(jobId), request.parallelism(), Actor.of(null, principal)));
  }

  @PostMapping("/{job_id}/cancel")
  @io.swagger.v3.oas.annotations.Operation(
      summary = "Cancel the job without a savepoint (operation)",
      description =
          "Declares the pipeline suspended with suspend_mode cancel; the last checkpoint is"
              + " retained.")
  @ApiResponse(responseCode = "202", description = "Accepted; Location names the operation")
  @ApiResponse(responseCode = "404", description = "No fraud job with this id")
  @ApiResponse(responseCode = "409", description = "The job has already ended or is busy")
  @ApiResponse(responseCode = "503", description = "flink-unavailable or kafka-unavailable")
  ResponseEntity<Operation> cancel(
      @PathVariable("job_id")
          @Pattern(regexp = JobIdParameter.PATTERN, message = JobIdParameter.MESSAGE)
          String jobId,
      @RequestBody(required = false) NoParameters none,
      Principal principal) {
    return OperationResponses.accepted(
        pipeline.cancel(JobIdParameter.normalize(jobId), Actor.of(null, principal)));
  }
}
