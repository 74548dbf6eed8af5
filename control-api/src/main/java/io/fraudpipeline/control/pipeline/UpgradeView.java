package io.fraudpipeline.control.pipeline;

import java.util.List;

/**
 * Whether the running job is on the jar this control plane ships, and the upgrade under way or the
 * last one, as {@code GET /api/v1/pipeline} shows them.
 *
 * @param mode {@code manual} (only {@code POST /api/v1/pipeline/upgrade} upgrades) or {@code auto}
 * @param available whether the job differs from what it should run: another jar is shipped (not one
 *     an upgrade was rolled back from or went away from), or the desired settings changed
 * @param reasons why, one sentence each (also why a shipped jar is not offered)
 * @param shippedJar the checksum of the jar this control plane ships
 * @param runningJar the checksum of the jar the active job runs (null: none runs, or unknown)
 * @param desiredJar the jar the desired state names (null: the job's own)
 * @param rejectedJars jars an upgrade was rolled back from: auto mode does not try them again
 * @param supersededJars jars the pipeline was upgraded away from: auto mode does not go back to
 *     them
 * @param last the upgrade under way, or the last one
 */
public record UpgradeView(
    String mode,
    boolean available,
    List<String> reasons,
    String shippedJar,
    String runningJar,
    String desiredJar,
    List<String> rejectedJars,
    List<String> supersededJars,
    Upgrade last) {}
