package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.flink.DeliveryGuarantee;

/**
 * The answer to a deploy.
 *
 * @param jobId the Flink job id, chosen by the control plane before the run request
 * @param state the job's state right after submission
 * @param parallelism the parallelism it was submitted with
 * @param deliveryGuarantee its sink's delivery guarantee
 * @param restoredFrom the savepoint it restores, if any
 * @param jarId Flink's id of the uploaded job jar
 * @param jarSha256 SHA-256 of the job jar
 * @param jarUploaded whether this deploy uploaded the jar (false: Flink already held it)
 */
public record Deployment(
    String jobId,
    String state,
    int parallelism,
    DeliveryGuarantee deliveryGuarantee,
    String restoredFrom,
    String jarId,
    String jarSha256,
    boolean jarUploaded) {}
