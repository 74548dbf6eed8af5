package io.fraudpipeline.control.flink;

/**
 * One run of the embedded fraud job.
 *
 * @param jobId the Flink JobID to run it under (32 hex digits), chosen by the caller so a repeated
 *     or stale submission is refused by Flink as a duplicate
 * @param parallelism its parallelism
 * @param deliveryGuarantee its sink guarantee
 * @param restorePath a savepoint or retained checkpoint to start from; null starts without state
 * @param allowNonRestoredState whether state no operator claims is skipped instead of failing
 * @param jarSha256 the job jar to run, by checksum (see {@code jobs.JobJars}); null: the shipped
 *     one
 */
public record JobSubmission(
    String jobId,
    int parallelism,
    DeliveryGuarantee deliveryGuarantee,
    String restorePath,
    boolean allowNonRestoredState,
    String jarSha256) {}
