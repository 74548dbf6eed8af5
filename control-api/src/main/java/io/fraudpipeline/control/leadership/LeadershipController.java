package io.fraudpipeline.control.leadership;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(
    path = "/api/v1/leadership",
    produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
@Tag(name = "leadership", description = "Which control-plane replica reconciles")
class LeadershipController {

  private final KafkaLeaderElection election;

  LeadershipController(KafkaLeaderElection election) {
    this.election = election;
  }

  /**
   * @param replicaId the replica that answered
   * @param leader whether it leads
   * @param leaderId the leading replica, when known
   * @param epoch the epoch of its leadership, while it leads
   * @param since when it last started or stopped leading
   */
  record LeadershipView(
      String replicaId, boolean leader, String leaderId, Long epoch, Instant since) {}

  @GetMapping
  @Operation(
      summary = "This replica's view of the leadership",
      description =
          "Every replica answers; only the leader reconciles. `leader_id` is absent while no"
              + " replica is known to lead (an election in progress, Kafka unreachable).")
  LeadershipView get() {
    LeadershipStatus status = election.status();
    return new LeadershipView(
        status.replicaId(), status.leader(), status.leaderId(), status.epoch(), status.since());
  }
}
