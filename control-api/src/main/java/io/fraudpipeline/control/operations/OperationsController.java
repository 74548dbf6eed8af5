package io.fraudpipeline.control.operations;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(
    path = "/api/v1/operations",
    produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
@Tag(
    name = "operations",
    description = "Long-running operations (202 Accepted): job actions and backtests")
class OperationsController {

  private final Operations operations;

  OperationsController(Operations operations) {
    this.operations = operations;
  }

  /**
   * @param stale whether Kafka could not be read for this answer: this replica's operations are
   *     current, the other replicas' as last read, and those they started since are missing
   */
  record OperationList(List<Operation> operations, boolean stale) {}

  @GetMapping
  @io.swagger.v3.oas.annotations.Operation(
      summary = "Recent operations, newest first",
      description =
          "limit is 1 to 1000; without it, every retained one (the newest 200). `stale` is true"
              + " when the operations topic could not be read for this answer: the other"
              + " replicas' operations are as last read. 503 kafka-unavailable when this replica"
              + " has not read the topic since it started (it cannot tell none from unknown).")
  OperationList list(@RequestParam(required = false) @Min(1) @Max(1000) Integer limit) {
    Operations.Listing listing = operations.listing(limit == null ? Integer.MAX_VALUE : limit);
    return new OperationList(listing.operations(), listing.stale());
  }

  @GetMapping("/{operation_id}")
  @io.swagger.v3.oas.annotations.Operation(
      summary = "One operation: IN_PROGRESS, COMPLETED or FAILED",
      description =
          "A savepoint written before a later step failed keeps its `savepoint_path`; a rescale"
              + " names the replacing job in `new_job_id`. `replica` names the replica that runs"
              + " it; another replica answers from its latest record in the operations topic"
              + " (progress written at most once per fraud.operations.progress-interval).")
  Operation get(@PathVariable("operation_id") String id) {
    return operations.find(id).orElseThrow(() -> new OperationNotFoundException(id));
  }

  @DeleteMapping("/{operation_id}")
  @io.swagger.v3.oas.annotations.Operation(
      summary = "Cancel an operation in progress (backtests only)",
      description =
          "202 with the operation, which ends CANCELLED once its work has stopped (GET it); 409"
              + " when it has ended, is of a kind that cannot be cancelled, or runs on another"
              + " replica (named in `replica`: send the DELETE there).")
  @ApiResponse(responseCode = "202", description = "Cancelling: the operation, until CANCELLED")
  @ApiResponse(
      responseCode = "409",
      description = "Ended, not a backtest, or runs on another replica (replica)")
  ResponseEntity<Operation> cancel(@PathVariable("operation_id") String id) {
    return ResponseEntity.accepted().body(operations.cancel(id));
  }
}
