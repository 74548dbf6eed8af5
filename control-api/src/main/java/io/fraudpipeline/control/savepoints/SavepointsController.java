package io.fraudpipeline.control.savepoints;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(
    path = "/api/v1/savepoints",
    produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
@Tag(name = "savepoints", description = "The durable savepoint history")
class SavepointsController {

  private final SavepointCatalog catalog;

  SavepointsController(SavepointCatalog catalog) {
    this.catalog = catalog;
  }

  /** The savepoints page. */
  record SavepointList(List<SavepointView> savepoints) {}

  @GetMapping
  @Operation(
      summary = "Savepoint history, newest first",
      description =
          "Every savepoint the control plane had Flink take (trigger, stop, rescale, periodic),"
              + " kept in a compacted Kafka topic so it survives restarts of the control plane and"
              + " of Flink. Each says whether it can be restored without loss"
              + " (restorable_without_loss: true, false, or \"unknown\" when it kept no offsets)"
              + " and how many records after its offsets Kafka already deleted."
              + " `restore: {latest: true}` restores the newest one not known to lose records.")
  @ApiResponse(responseCode = "200", description = "The savepoints, newest first")
  @ApiResponse(responseCode = "503", description = "kafka-unavailable: Kafka unreachable")
  SavepointList list(@RequestParam(defaultValue = "50") @Min(1) @Max(1000) int limit) {
    return new SavepointList(catalog.list(limit));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(
      summary = "Dispose of a savepoint and drop it from the history",
      description =
          "Flink disposes of the savepoint (its files are deleted), then the history forgets it."
              + " 409 when the control plane still needs it (the state the pipeline restores"
              + " from), 404 for an unknown id; when Flink cannot dispose of it the savepoint"
              + " stays in the history.")
  @ApiResponse(responseCode = "204", description = "Disposed of and forgotten")
  @ApiResponse(responseCode = "409", description = "The control plane still needs it (pinned_by)")
  @ApiResponse(responseCode = "502", description = "flink-error: Flink could not dispose of it")
  @ApiResponse(responseCode = "503", description = "flink-unavailable or kafka-unavailable")
  void delete(@PathVariable String id) throws InterruptedException {
    catalog.delete(id);
  }
}
