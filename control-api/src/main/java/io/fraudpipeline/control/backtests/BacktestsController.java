package io.fraudpipeline.control.backtests;

import io.fraudpipeline.control.json.JsonBodies;
import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.web.OperationResponses;
import io.fraudpipeline.model.NamedRule;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What candidate rules would have raised on the transactions Kafka still retains. */
@RestController
@RequestMapping(
    produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
@Tag(name = "rules")
class BacktestsController {

  private final Backtests backtests;

  /**
   * The request body as the API docs show it: the body is read as JSON and checked by {@link
   * BacktestRequests}, which reports every invalid field at once.
   */
  record BacktestBody(
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              description = "Candidate named rules, as in PUT /api/v1/rules; state is ignored")
          List<NamedRule> rules,
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              description = "Start of the range, inclusive (transaction event time)")
          Instant from,
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              description = "End of the range, exclusive; not in the future")
          Instant to) {}

  BacktestsController(Backtests backtests) {
    this.backtests = backtests;
  }

  @PostMapping(path = "/api/v1/rules/backtests", consumes = MediaType.APPLICATION_JSON_VALUE)
  @io.swagger.v3.oas.annotations.Operation(
      summary = "Backtest candidate rules over retained transactions",
      description =
          "Body: {\"rules\": [named rules, as in PUT /api/v1/rules], \"from\": instant, \"to\":"
              + " instant}. Runs the candidates (state ignored: all evaluated) over the"
              + " transactions with event time in [from, to) by a bounded Flink job built from the"
              + " live job's operators. 202 with Location: the operation (GET"
              + " /api/v1/operations/{id}) shows records read and, once COMPLETED, the report in"
              + " `result`; DELETE it to cancel. 400 for invalid rules or range (also one Kafka"
              + " no longer retains), 429 beyond fraud.backtests.max-concurrent (in progress on all"
              + " replicas).")
  @ApiResponse(responseCode = "202", description = "Accepted; Location names the operation")
  @ApiResponse(
      responseCode = "409",
      description =
          "Too few free task slots beside the live job and the backtests accepted before it on"
              + " any replica (slots_available)")
  @ApiResponse(
      responseCode = "429",
      description =
          "too-many-requests: fraud.backtests.max-concurrent backtests are in progress (all"
              + " replicas)")
  @ApiResponse(responseCode = "502", description = "flink-error: Flink refused the job")
  @ApiResponse(
      responseCode = "503",
      description =
          "flink-unavailable, kafka-unavailable, or shutting-down: this replica is shutting down,"
              + " send the request to another")
  ResponseEntity<Operation> start(
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = BacktestBody.class)))
          @RequestBody
          String body) {
    // Read as the rules' bodies are (JsonBodies): a number too large for a double (a rule's
    // "limit": 1e400) stays a number, refused as out of range with the rule set's own words,
    // where the API mapper's tree held Infinity, which only the binding refused, in Jackson's
    // words.
    Operation operation = backtests.start(JsonBodies.parse(body));
    return OperationResponses.accepted(operation);
  }
}
