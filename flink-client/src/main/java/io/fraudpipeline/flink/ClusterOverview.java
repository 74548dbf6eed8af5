package io.fraudpipeline.flink;

/**
 * What the JobManager says about its cluster.
 *
 * @param flinkVersion the cluster's Flink version
 * @param taskManagers connected TaskManagers
 * @param slotsTotal task slots of all TaskManagers
 * @param slotsAvailable free task slots
 * @param jobsRunning jobs currently running (any job, not only the fraud job)
 */
public record ClusterOverview(
    String flinkVersion, int taskManagers, int slotsTotal, int slotsAvailable, int jobsRunning) {}
