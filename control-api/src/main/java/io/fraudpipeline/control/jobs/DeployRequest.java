package io.fraudpipeline.control.jobs;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/**
 * How to deploy the fraud job; every field is optional. Parallelism and delivery guarantee, left
 * out, keep what the pipeline last declared ({@code GET /api/v1/pipeline}); before any declaration
 * they are {@code fraud.job.parallelism} and {@code fraud.job.delivery-guarantee}.
 *
 * @param parallelism the job's parallelism
 * @param deliveryGuarantee {@code exactly-once} or {@code at-least-once}
 * @param restore where to restore state from; absent starts without state
 * @param allowNonRestoredState whether state in the savepoint that no operator claims is skipped
 *     instead of failing the restore
 */
@Schema(
    description = "How to deploy the fraud job; every field is optional",
    example =
        "{\"parallelism\": 2, \"delivery_guarantee\": \"exactly-once\","
            + " \"restore\": {\"latest\": true}}")
public record DeployRequest(
    @Min(1) Integer parallelism,
    @Schema(
            implementation = String.class,
            allowableValues = {"exactly-once", "at-least-once"})
        DeliveryGuarantee deliveryGuarantee,
    @Valid Restore restore,
    Boolean allowNonRestoredState) {

  /** Nothing given: the configured defaults, no restore. */
  public static DeployRequest defaults() {
    return new DeployRequest(null, null, null, null);
  }

  /**
   * Where to restore the job's state from: a savepoint path, or the latest savepoint in the
   * history.
   *
   * @param savepointPath a savepoint path as Flink reported it
   * @param latest true to restore the newest savepoint of the history
   */
  @Schema(description = "Give either savepoint_path or latest: true")
  public record Restore(@Size(max = 4096) String savepointPath, Boolean latest) {

    @JsonIgnore
    @Schema(hidden = true)
    @AssertTrue(message = "give either savepoint_path or latest: true, not both and not neither")
    public boolean isOneSource() {
      boolean path = savepointPath != null && !savepointPath.isBlank();
      boolean newest = Boolean.TRUE.equals(latest);
      return path != newest;
    }

    public boolean wantsLatest() {
      return Boolean.TRUE.equals(latest);
    }
  }
}
