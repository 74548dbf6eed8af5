package io.fraudpipeline.chaos.fault;

import io.fraudpipeline.chaos.cluster.ChildProcess;
import io.fraudpipeline.chaos.cluster.FlinkProcesses;
import io.fraudpipeline.chaos.cluster.ProcessCluster;

/** {@code kill -9} of a TaskManager running part of the job; restarted after the counting. */
public final class TaskManagerKill implements Fault {

  @Override
  public String id() {
    return "taskmanager-kill";
  }

  @Override
  public String title() {
    return "kill -9 of a TaskManager";
  }

  @Override
  public FaultLog inject(ChaosContext context) throws InterruptedException {
    ChildProcess taskManager = context.cluster().flink().taskManager(1);
    long pid = taskManager.pid();
    FaultLog log = new FaultLog().mark("kill -9 taskmanager-1");
    taskManager.kill9();
    return log.note(
        "kill -9 of taskmanager-1 (pid "
            + pid
            + "); taskmanager-2 has the free slots the job needs to restart on");
  }

  @Override
  public void heal(ChaosContext context) throws Exception {
    context.cluster().flink().taskManager(1).restart();
    context
        .cluster()
        .flink()
        .awaitTaskManagers(FlinkProcesses.TASK_MANAGERS, ProcessCluster.restartTimeout());
  }
}
