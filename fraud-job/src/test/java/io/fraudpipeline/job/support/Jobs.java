package io.fraudpipeline.job.support;

import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.minicluster.MiniCluster;

/** Housekeeping for jobs on a shared MiniCluster. */
public final class Jobs {

  private Jobs() {}

  /** Cancels every job still running, so the next test starts with free slots. */
  public static void cancelAll(MiniCluster cluster) throws Exception {
    for (JobStatusMessage job : cluster.listJobs().get(30, TimeUnit.SECONDS)) {
      if (!job.getJobState().isGloballyTerminalState()) {
        cluster.cancelJob(job.getJobId()).get(30, TimeUnit.SECONDS);
      }
    }
  }
}
