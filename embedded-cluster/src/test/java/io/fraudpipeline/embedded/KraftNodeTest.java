package io.fraudpipeline.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KraftNodeTest {

  @Test
  void votersNumberTheNodesFromOneInTheOrderOfTheirPorts() {
    assertThat(KraftNode.voters(List.of(9093, 9095, 9097)))
        .isEqualTo("1@localhost:9093,2@localhost:9095,3@localhost:9097");
    assertThat(KraftNode.voters(List.of(9093))).isEqualTo("1@localhost:9093");
  }

  @Test
  void aCombinedNodeListensForClientsAndForTheQuorumOnItsTwoPorts(@TempDir Path dir) {
    Properties p = KraftNode.properties(2, 9092, 9093, "2@localhost:9093", dir);

    assertThat(p)
        .containsEntry("process.roles", "broker,controller")
        .containsEntry("node.id", "2")
        .containsEntry("controller.quorum.voters", "2@localhost:9093")
        .containsEntry("listeners", "PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093")
        .containsEntry("advertised.listeners", "PLAINTEXT://localhost:9092")
        .containsEntry("controller.listener.names", "CONTROLLER")
        .containsEntry("inter.broker.listener.name", "PLAINTEXT")
        .containsEntry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT")
        .containsEntry("log.dirs", dir.toString())
        .hasSize(9);
  }

  @Test
  void formattingWritesTheNodesMetaProperties(@TempDir Path dir) throws Exception {
    KraftNode.format(3, "q1Sh-9_ISia_zwGINzRvyQ", dir);

    assertThat(Files.readString(dir.resolve("meta.properties")))
        .contains("node.id=3")
        .contains("cluster.id=q1Sh-9_ISia_zwGINzRvyQ");
  }
}
