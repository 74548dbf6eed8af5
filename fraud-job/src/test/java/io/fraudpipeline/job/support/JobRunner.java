package io.fraudpipeline.job.support;

import io.fraudpipeline.job.FraudDetectionJob;
import io.fraudpipeline.job.FraudJobParameters;
import io.fraudpipeline.job.rules.RulesBootstrap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/** Submits the real job, built exactly as {@link FraudDetectionJob#main} builds it. */
public final class JobRunner {

  private JobRunner() {}

  public static JobID submit(MiniCluster cluster, FraudJobParameters params, int parallelism)
      throws Exception {
    return submit(cluster, params, parallelism, SavepointRestoreSettings.none());
  }

  public static JobID submit(
      MiniCluster cluster,
      FraudJobParameters params,
      int parallelism,
      SavepointRestoreSettings restore)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    FraudDetectionJob.build(env, params, RulesBootstrap.readLatest(params));
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(params.jobName());
    graph.setSavepointRestoreSettings(restore);
    return cluster.submitJob(graph).get().getJobID();
  }
}
