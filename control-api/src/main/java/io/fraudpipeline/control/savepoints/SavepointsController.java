package io.fraudpipeline.control.savepoints;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/savepoints")
@Tag(name = "savepoints", description = "The durable savepoint history")
class SavepointsController {

  private final SavepointHistory history;

  SavepointsController(SavepointHistory history) {
    this.history = history;
  }

  /** The savepoints page. */
  record SavepointList(List<SavepointRecord> savepoints) {}

  @GetMapping
  @Operation(
      summary = "Savepoint history, newest first",
      description =
          "Every savepoint the control plane had Flink take (trigger, stop, rescale), kept in a"
              + " compacted Kafka topic so it survives restarts of the control plane and of Flink."
              + " `restore: {latest: true}` restores the first entry.")
  SavepointList list(@RequestParam(defaultValue = "50") @Min(1) @Max(1000) int limit) {
    List<SavepointRecord> all = history.list();
    return new SavepointList(all.subList(0, Math.min(limit, all.size())));
  }
}
