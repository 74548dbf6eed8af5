package io.fraudpipeline.control.pipeline;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Pattern;

/**
 * {@code POST /api/v1/pipeline/upgrade}; every field is optional.
 *
 * @param jarSha256 the jar to move to (default: the one this control plane ships); it must be in
 *     the jar store
 * @param upgradeMode how to take the old job down (default: the desired state's upgrade_mode);
 *     recorded in the desired state
 */
@Schema(
    description = "Moves the job onto a jar; every field is optional",
    example = "{\"upgrade_mode\": \"savepoint\"}")
public record UpgradeRequest(
    @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be a SHA-256 checksum (64 hex digits)")
        String jarSha256,
    @Schema(
            implementation = String.class,
            allowableValues = {"savepoint", "last-state", "stateless"})
        UpgradeMode upgradeMode) {

  public static UpgradeRequest defaults() {
    return new UpgradeRequest(null, null);
  }
}
