package io.fraudpipeline.control.backtests;

import io.fraudpipeline.control.operations.Operation;
import io.fraudpipeline.control.web.OperationResponses;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** What candidate rules would have raised on the transactions Kafka still retains. */
@RestController
@Tag(name = "rules")
class BacktestsController {

  private final Backtests backtests;

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
              + " no longer retains), 429 beyond fraud.backtests.max-concurrent.")
  ResponseEntity<Operation> start(@RequestBody JsonNode body) {
    Operation operation = backtests.start(body);
    return OperationResponses.accepted(operation);
  }
}
