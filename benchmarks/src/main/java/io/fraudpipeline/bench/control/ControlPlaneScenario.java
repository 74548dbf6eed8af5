package io.fraudpipeline.bench.control;

import io.fraudpipeline.bench.Scenario;
import io.fraudpipeline.bench.report.Section;
import io.fraudpipeline.bench.report.TargetCheck;
import java.util.List;

/**
 * Scenario 5: the control plane's deploy and stop-with-savepoint times, its read endpoints' p99
 * under load from a second process, and its resident memory. Needs the control plane's job
 * lifecycle ({@code POST /api/v1/jobs}), which is not on {@code main} yet: until then the report
 * says "not measured".
 */
public final class ControlPlaneScenario implements Scenario {

  public static final String TITLE = "5. Control plane";

  private static final List<String> TARGETS =
      List.of(
          "deploy time: POST /api/v1/jobs → RUNNING",
          "stop-with-savepoint time",
          "GET /api/v1/jobs p99 under load (wrk, second process)",
          "GET /actuator/prometheus p99 under load (wrk, second process)",
          "resident memory of the service");

  @Override
  public String title() {
    return TITLE;
  }

  @Override
  public List<String> targets() {
    return TARGETS;
  }

  @Override
  public Section run() {
    Section.Builder section =
        Section.titled(TITLE)
            .text(
                "**Not measured.** The control plane on `main` is still the skeleton: its job"
                    + " lifecycle (`POST /api/v1/jobs`, stop with savepoint, `GET"
                    + " /api/v1/jobs`) has not been merged, so there is nothing to deploy"
                    + " through it or to load. This section fills in once it lands.");
    for (String target : TARGETS) {
      section.target(
          TargetCheck.notMeasured(TITLE, target, "control-api job lifecycle not on main"));
    }
    return section.build();
  }
}
