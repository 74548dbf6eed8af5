package io.fraudpipeline.control.leadership;

import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Placeholder until the Kafka leader election lands: this replica always leads. */
@Component
class SingleReplicaLeadership implements Leadership {

  private final String id = "replica-" + UUID.randomUUID().toString().substring(0, 8);

  @Override
  public String replicaId() {
    return id;
  }

  @Override
  public boolean isLeader() {
    return true;
  }

  @Override
  public long epoch() {
    return 1;
  }

  @Override
  public Optional<String> leaderId() {
    return Optional.of(id);
  }
}
