package io.fraudpipeline.control.rules;

import io.fraudpipeline.control.versioning.ExpectedVersion;
import io.fraudpipeline.control.web.Actor;
import io.fraudpipeline.control.web.IfMatch;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The fraud rules: read, replace, merge-patch, history. */
@RestController
@RequestMapping(
    path = "/api/v1/rules",
    produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
@Tag(name = "rules", description = "Live fraud rules with optimistic concurrency and history")
class RulesController {

  static final String MERGE_PATCH_JSON = "application/merge-patch+json";
  static final String UPDATED_BY = Actor.UPDATED_BY;

  private static final String IF_MATCH_REQUIRED =
      "A rule change needs an If-Match header with the version it is based on, e.g."
          + " If-Match: \"3\" (GET /api/v1/rules returns it as the ETag)";

  /**
   * The latest changes, newest first (named apart from the pipeline's history for the API docs).
   */
  record RuleHistoryView(List<RuleChange> changes) {}

  private final RulesService service;
  private final RuleStatistics statistics;

  RulesController(RulesService service, RuleStatistics statistics) {
    this.service = service;
    this.statistics = statistics;
  }

  @GetMapping
  @Operation(
      summary = "The current rule set and the version the running job applies",
      description =
          "Read back from the compacted rules topic (the built-in defaults, version 0, while it is"
              + " empty). The ETag is the version; send it in If-Match to change the rules.")
  @ApiResponse(responseCode = "200", description = "The rules; ETag: their version")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  ResponseEntity<RulesView> get() {
    return answer(service.current());
  }

  @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Replace the rule set",
      description =
          "Publishes the next version with these parameters (amount_threshold required). Needs"
              + " If-Match with the current version: 428 without it, 412 when stale. The job"
              + " applies the change live; GET shows applied_version once it has.")
  @ApiResponse(responseCode = "200", description = "The rules published; ETag: their version")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  ResponseEntity<RulesView> put(
      @Parameter(description = "The version the change is based on, e.g. \"3\"", required = true)
          @RequestHeader(value = HttpHeaders.IF_MATCH, required = false)
          String ifMatch,
      @Parameter(description = "Who makes the change (default: the authenticated client)")
          @RequestHeader(value = UPDATED_BY, required = false)
          String updatedBy,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = RuleSetBody.class)))
          @RequestBody
          String body,
      Principal principal) {
    String actor = actor(updatedBy, principal);
    ExpectedVersion expected = IfMatch.required(ifMatch, IF_MATCH_REQUIRED);
    return answer(service.replace(expected, body, actor));
  }

  @PatchMapping(consumes = MERGE_PATCH_JSON)
  @Operation(
      summary = "Change some rule parameters (JSON merge patch, RFC 7396)",
      description =
          "E.g. {\"amount_threshold\": 3000} or {\"category_thresholds\": {\"gambling\": null}} to"
              + " remove a category. Content-Type application/merge-patch+json; If-Match as for"
              + " PUT.")
  @ApiResponse(responseCode = "200", description = "The rules published; ETag: their version")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  ResponseEntity<RulesView> patch(
      @Parameter(description = "The version the change is based on, e.g. \"3\"", required = true)
          @RequestHeader(value = HttpHeaders.IF_MATCH, required = false)
          String ifMatch,
      @Parameter(description = "Who makes the change (default: the authenticated client)")
          @RequestHeader(value = UPDATED_BY, required = false)
          String updatedBy,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MERGE_PATCH_JSON,
                      schema = @Schema(implementation = RuleSetBody.class)))
          @RequestBody
          String body,
      Principal principal) {
    String actor = actor(updatedBy, principal);
    ExpectedVersion expected = IfMatch.required(ifMatch, IF_MATCH_REQUIRED);
    return answer(service.mergePatch(expected, body, actor));
  }

  @GetMapping("/history")
  @Operation(
      summary = "Who changed the rules, what and when",
      description =
          "Newest first, from the append-only history topic (kept across restarts), each with the"
              + " changed parameters (from, to) and the whole rule set published.")
  @ApiResponse(responseCode = "200", description = "The changes, newest first")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  RuleHistoryView history(@RequestParam(defaultValue = "50") @Min(1) @Max(1000) int limit) {
    return new RuleHistoryView(service.history(limit));
  }

  @GetMapping("/stats")
  @Operation(
      summary = "What the running job reports for each named rule",
      description =
          "Each named rule of the current rule set with the transactions it judged and the alerts"
              + " it raised since the job last started, and both per second over the last minute,"
              + " summed over the subtasks of the operator that judges it; asked of Flink on each"
              + " request (Flink refreshes its copy every 10 s by default). No figures without an"
              + " active job, or for a rule that has not judged a transaction yet.")
  @ApiResponse(responseCode = "200", description = "The figures of each named rule")
  @ApiResponse(responseCode = "503", description = "flink-unavailable or kafka-unavailable")
  RuleStatisticsView stats() {
    return statistics.of(service.current().rules());
  }

  private static ResponseEntity<RulesView> answer(RulesState state) {
    return ResponseEntity.ok()
        .eTag(IfMatch.etag(state.rules().version()))
        .body(RulesView.of(state));
  }

  private static String actor(String updatedBy, Principal principal) {
    return Actor.of(updatedBy, principal);
  }
}
