package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.versioning.ExpectedVersion;
import io.fraudpipeline.control.web.Actor;
import io.fraudpipeline.control.web.IfMatch;
import io.fraudpipeline.control.web.OperationResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The pipeline's desired state next to the observed one; changes with optimistic concurrency. */
@RestController
@Validated
@RequestMapping(
    path = "/api/v1/pipeline",
    produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
@Tag(
    name = "pipeline",
    description = "Desired state (what should run) and the reconciler that holds Flink to it")
class PipelineController {

  static final String MERGE_PATCH_JSON = "application/merge-patch+json";

  private static final String IF_MATCH_REQUIRED =
      "A change of the desired state needs an If-Match header with the version it is based"
          + " on, e.g. If-Match: \"3\" (GET /api/v1/pipeline returns it as the ETag; \"0\""
          + " before the first change)";

  /** Accepted versions, newest first (named apart from the rules' history for the API docs). */
  record PipelineHistoryView(List<DesiredState> versions) {}

  private final PipelineService service;
  private final PipelineViews views;
  private final PipelineUpgrades upgrades;

  PipelineController(PipelineService service, PipelineViews views, PipelineUpgrades upgrades) {
    this.service = service;
    this.views = views;
    this.upgrades = upgrades;
  }

  @GetMapping
  @Operation(
      summary = "The desired state, the observed job and the reconciler's status",
      description =
          "The ETag is the desired version (\"0\" before any); send it in If-Match to change it.")
  @ApiResponse(responseCode = "200", description = "Desired and observed state; ETag: the version")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  ResponseEntity<PipelineView> get() {
    PipelineView view = views.current();
    return ResponseEntity.ok()
        .eTag(IfMatch.etag(view.desired() == null ? 0 : view.desired().version()))
        .body(view);
  }

  @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Declare the whole desired state",
      description =
          "Fields: state (running | suspended), parallelism, delivery_guarantee, upgrade_mode"
              + " (savepoint | last-state | stateless), suspend_mode (savepoint | drain | cancel),"
              + " restart_failed, restore_savepoint_path, allow_non_restored_state; absent ones"
              + " take the defaults. Needs If-Match: 428 without, 412 when stale. The reconciler"
              + " carries the change out; GET shows its progress.")
  @ApiResponse(responseCode = "200", description = "The accepted version; ETag: its version")
  @ApiResponse(
      responseCode = "409",
      description = "The change runs the job wider than Flink's free slots (slots_available)")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  ResponseEntity<DesiredState> put(
      @Parameter(description = "The version the change is based on, e.g. \"3\"", required = true)
          @RequestHeader(value = HttpHeaders.IF_MATCH, required = false)
          String ifMatch,
      @Parameter(description = "Who makes the change (default: the authenticated client)")
          @RequestHeader(value = Actor.UPDATED_BY, required = false)
          String updatedBy,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = PipelineSpec.class)))
          @RequestBody
          String body,
      Principal principal) {
    String actor = Actor.of(updatedBy, principal);
    ExpectedVersion expected = IfMatch.required(ifMatch, IF_MATCH_REQUIRED);
    return answer(service.replace(expected, body, actor));
  }

  @PatchMapping(consumes = MERGE_PATCH_JSON)
  @Operation(
      summary = "Change part of the desired state (JSON merge patch, RFC 7396)",
      description = "E.g. {\"state\": \"suspended\"} or {\"parallelism\": 2}; If-Match as for PUT.")
  @ApiResponse(responseCode = "200", description = "The accepted version; ETag: its version")
  @ApiResponse(
      responseCode = "409",
      description = "The change runs the job wider than Flink's free slots (slots_available)")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  ResponseEntity<DesiredState> patch(
      @Parameter(description = "The version the change is based on, e.g. \"3\"", required = true)
          @RequestHeader(value = HttpHeaders.IF_MATCH, required = false)
          String ifMatch,
      @Parameter(description = "Who makes the change (default: the authenticated client)")
          @RequestHeader(value = Actor.UPDATED_BY, required = false)
          String updatedBy,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MERGE_PATCH_JSON,
                      schema = @Schema(implementation = PipelineSpec.class)))
          @RequestBody
          String body,
      Principal principal) {
    String actor = Actor.of(updatedBy, principal);
    ExpectedVersion expected = IfMatch.required(ifMatch, IF_MATCH_REQUIRED);
    return answer(service.mergePatch(expected, body, actor));
  }

  @PostMapping(value = "/upgrade")
  @Operation(
      summary = "Move the job onto another jar (default: the one this control plane ships)",
      description =
          "Names the jar in the desired state (a new version). The reconciler takes the old job"
              + " down as upgrade_mode says (savepoint: stop with a savepoint, never a checkpoint"
              + " instead; last-state: its newest checkpoint; stateless), runs the new jar, and"
              + " waits for it to be ready (RUNNING, every task running, a checkpoint completed)"
              + " within fraud.reconciler.upgrade.readiness-timeout. If it is not, the previous"
              + " jar runs again from the state saved before the upgrade, and the desired state"
              + " records the rollback. The operation lists each step.")
  @ApiResponse(responseCode = "202", description = "Accepted; Location names the operation")
  @ApiResponse(
      responseCode = "409",
      description =
          "No desired state, an upgrade in progress, or the desired state already names that jar"
              + " and the job runs it (or none runs)")
  @ApiResponse(responseCode = "400", description = "Unknown jar checksum or upgrade mode")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  ResponseEntity<io.fraudpipeline.control.operations.Operation> upgrade(
      @Valid @RequestBody(required = false) UpgradeRequest request,
      @Parameter(description = "Who asks (default: the authenticated client)")
          @RequestHeader(value = Actor.UPDATED_BY, required = false)
          String updatedBy,
      Principal principal) {
    io.fraudpipeline.control.operations.Operation operation =
        upgrades.upgrade(
            request == null ? UpgradeRequest.defaults() : request, Actor.of(updatedBy, principal));
    return OperationResponses.accepted(operation);
  }

  @GetMapping("/history")
  @Operation(summary = "Every accepted version of the desired state, newest first")
  @ApiResponse(responseCode = "200", description = "The versions, newest first")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  PipelineHistoryView history(@RequestParam(defaultValue = "50") @Min(1) @Max(1000) int limit) {
    return new PipelineHistoryView(service.history(limit));
  }

  private static ResponseEntity<DesiredState> answer(DesiredState state) {
    return ResponseEntity.ok().eTag(IfMatch.etag(state.version())).body(state);
  }
}
