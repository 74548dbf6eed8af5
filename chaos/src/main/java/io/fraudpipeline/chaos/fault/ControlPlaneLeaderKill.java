package io.fraudpipeline.chaos.fault;

import io.fraudpipeline.bench.control.ControlPlaneProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code kill -9} of the control-api replica that leads. Until replicas elect a leader (issue 13)
 * every replica acts alone; the one the job was deployed through is killed.
 */
public final class ControlPlaneLeaderKill implements Fault {

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
    ControlPlaneProcess leader = context.cluster().controlPlane(1);
    ControlPlaneProcess survivor = context.cluster().controlPlane(2);
    long pid = leader.pid();
    FaultLog log = new FaultLog().mark("kill -9 control-api-1");
    leader.kill9();
    log.note(
        "kill -9 of control-api-1 (pid "
            + pid
            + "), the replica the job was deployed through: the replicas elect no leader yet"
            + " (issue 13), so it stands for the leader");
    Thread.sleep(watchFor.toMillis());
    int status = healthStatus(survivor.baseUrl());
    log.note(
        "control-api-2 after "
            + watchFor.toSeconds()
            + " s: GET /actuator/health answered "
            + status
            + "; Flink runs "
            + context.runningJobs().size()
            + " job(s)");
    return log;
  }

  private static int healthStatus(String baseUrl) throws InterruptedException {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
