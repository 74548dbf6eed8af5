package io.fraudpipeline.control.producer;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** On-demand synthetic transactions into the pipeline's input topic. */
@RestController
@RequestMapping(
    path = "/api/v1/producer/runs",
    produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
@Tag(name = "producer", description = "Synthetic transaction runs on demand")
class ProducerRunsController {

  /** The runs, newest first. */
  record RunsView(List<ProducerRunView> runs) {}

  private final ProducerRuns runs;

  ProducerRunsController(ProducerRuns runs) {
    this.runs = runs;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Start a producer run",
      description =
          "Writes generated transactions (labelled fraud and malformed records among them) to the"
              + " transactions topic at rate_per_second (at most fraud.producer.max-rate) until"
              + " count records or duration. 202 with Location; 429 when"
              + " fraud.producer.max-concurrent-runs runs are running; 503 without Kafka.")
  @ApiResponse(responseCode = "202", description = "Started; Location names the run")
  @ApiResponse(
      responseCode = "429",
      description = "too-many-requests: fraud.producer.max-concurrent-runs runs are running")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  ResponseEntity<ProducerRunView> start(@Valid @RequestBody ProducerRunRequest request) {
    ManagedRun run = runs.start(request);
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/producer/runs/" + run.id()))
        .body(ProducerRunView.of(run));
  }

  @GetMapping
  @Operation(summary = "The runs, newest first, with their progress")
  RunsView list() {
    return new RunsView(runs.list().stream().map(ProducerRunView::of).toList());
  }

  @GetMapping("/{id}")
  @Operation(summary = "One run's progress: sent, acknowledged, failed, current rate, state")
  ProducerRunView get(@PathVariable String id) {
    return ProducerRunView.of(runs.get(id));
  }

  @DeleteMapping("/{id}")
  @Operation(
      summary = "Stop a run",
      description =
          "Sends no new record and flushes those in flight: 200 with the final progress once they"
              + " are acknowledged or failed, 202 if that takes longer than"
              + " fraud.producer.stop-timeout (the run is STOPPING; GET it later).")
  @ApiResponse(responseCode = "200", description = "Stopped: the final progress")
  @ApiResponse(responseCode = "202", description = "STOPPING: records still in flight")
  ResponseEntity<ProducerRunView> stop(@PathVariable String id) {
    boolean ended = runs.stop(id);
    return ResponseEntity.status(ended ? HttpStatus.OK : HttpStatus.ACCEPTED)
        .body(ProducerRunView.of(runs.get(id)));
  }
}
