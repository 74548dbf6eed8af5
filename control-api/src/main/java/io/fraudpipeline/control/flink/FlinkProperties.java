package io.fraudpipeline.control.flink;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the Flink JobManager's REST API is and how the control plane talks to it.
 *
 * @param restUrl the JobManager REST endpoint ({@code FLINK_REST_URL})
 * @param pollInterval how often the background observer asks Flink for the job's state
 * @param requestTimeout the longest a single REST call to Flink may take
 * @param submitTimeout the longest a jar upload or run may take (the run executes the job's main
 *     method on the JobManager)
 * @param slotsOnDemand whether Flink's resource manager starts TaskManagers as jobs ask for slots
 *     (native Kubernetes, YARN): deploys and rescales are then not held to the free slots Flink
 *     reports, and no TaskManager registered is not a DOWN cluster. Off for a fixed-size cluster
 *     (standalone, compose, the local stack), where a job without slots would only wait.
 * @param healthTimeout the longest the health component {@code flink} waits for the JobManager's
 *     answer before it reports Flink DOWN: shorter than {@code requestTimeout}, so that a health
 *     check with a short timeout of its own (a Kubernetes probe: 1 s) still gets an answer while
 *     the JobManager hangs
 */
@Validated
@ConfigurationProperties("fraud.flink")
public record FlinkProperties(
    @NotNull URI restUrl,
    @NotNull Duration pollInterval,
    @NotNull Duration requestTimeout,
    @NotNull Duration submitTimeout,
    boolean slotsOnDemand,
    @NotNull Duration healthTimeout) {}
