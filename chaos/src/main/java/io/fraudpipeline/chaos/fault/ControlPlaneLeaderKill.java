package io.fraudpipeline.chaos.fault;

import io.fraudpipeline.bench.control.ControlPlaneClient;
import io.fraudpipeline.bench.control.ControlPlaneProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * {@code kill -9} of the control-api replica that leads, as {@code GET /api/v1/leadership} says;
 * then how long the other one takes to lead, and whether Flink still runs exactly one job.
 */
public final class ControlPlaneLeaderKill implements Fault {

  private static final Duration FIND_LEADER = Duration.ofSeconds(30);

  private final Duration watchFor;

  public ControlPlaneLeaderKill(Duration watchFor) {
    this.watchFor = watchFor;
  }

  @Override
  public String id() {
    return "control-api-leader-kill";
  }

  @Override
  public String title() {
    return "kill -9 of the leading control-api replica";
  }

  @Override
  public FaultLog inject(ChaosContext context) throws Exception {
    List<ControlPlaneProcess> replicas =
        List.of(context.cluster().controlPlane(1), context.cluster().controlPlane(2));
    List<ControlPlaneClient> clients = replicas.stream().map(ControlPlaneProcess::client).toList();
    FaultLog log = new FaultLog();
    int leading = awaitLeader(clients, FIND_LEADER);
    if (leading < 0) {
      log.fail("no control-api replica said it leads within " + FIND_LEADER.toSeconds() + " s");
      return log;
    }
    ControlPlaneProcess leader = replicas.get(leading);
    ControlPlaneClient survivor = clients.get(1 - leading);
    String leaderName = "control-api-" + (leading + 1);
    String survivorName = "control-api-" + (2 - leading);
    long pid = leader.pid();
    log.mark("kill -9 " + leaderName);
    long killed = System.nanoTime();
    leader.kill9();
    log.note(
        "kill -9 of "
            + leaderName
            + " (pid "
            + pid
            + "), the replica GET /api/v1/leadership named the leader");
    boolean tookOver = awaitLeader(List.of(survivor), watchFor) == 0;
    long tookMillis = Duration.ofNanos(System.nanoTime() - killed).toMillis();
    if (tookOver) {
      log.mark(survivorName + " leads");
      log.note(survivorName + " led " + tookMillis + " ms after the kill");
    } else {
      log.fail(survivorName + " did not take the leadership within " + watchFor.toSeconds() + " s");
    }
    List<String> jobs = context.runningJobs();
    log.note(
        survivorName
            + ": GET /actuator/health answered "
            + healthStatus(survivor)
            + "; Flink runs "
            + jobs.size()
            + " job(s)");
    if (jobs.size() != 1) {
      log.fail("Flink runs " + jobs.size() + " fraud jobs after the leader's kill, not one");
    }
    return log;
  }

  /** The index of the first of {@code replicas} that says it leads, or -1 after {@code timeout}. */
  private static int awaitLeader(List<ControlPlaneClient> replicas, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < replicas.size(); i++) {
        if (leads(replicas.get(i))) {
          return i;
        }
      }
      Thread.sleep(200);
    }
    return -1;
  }

  private static boolean leads(ControlPlaneClient replica) throws InterruptedException {
    try {
      return replica.leads();
    } catch (IOException | RuntimeException e) {
      return false; // not answering (yet), or killed
    }
  }

  private static int healthStatus(ControlPlaneClient replica) throws InterruptedException {
    try {
      return replica.healthStatus();
    } catch (IOException e) {
      return -1;
    }
  }
}
