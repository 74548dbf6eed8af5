package io.fraudpipeline.embedded;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A Kafka node in KRaft combined mode (broker and voter of the controller quorum): its listeners
 * and quorum settings, and the formatting of its storage. {@link LocalKafka}'s single node and the
 * chaos harness's three brokers both start this way; replication and topic defaults are each
 * caller's own.
 */
public final class KraftNode {

  private static final String CONTROLLER = "CONTROLLER";

  private KraftNode() {}

  /**
   * The settings every combined node needs: a PLAINTEXT listener for clients and other brokers on
   * {@code brokerPort}, the controller listener on {@code controllerPort}, data in {@code logDir}.
   *
   * @param voters {@code controller.quorum.voters}, as {@link #voters(List)} spells them
   */
  public static Properties properties(
      int nodeId, int brokerPort, int controllerPort, String voters, Path logDir) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    p.put("controller.quorum.voters", voters);
    p.put(
        "listeners",
        "PLAINTEXT://localhost:"
            + brokerPort
            + ","
            + CONTROLLER
            + "://localhost:"
            + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
    p.put("controller.listener.names", CONTROLLER);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    return p;
  }

  /** The quorum of nodes 1, 2, … whose controllers listen on {@code controllerPorts}, in order. */
  public static String voters(List<Integer> controllerPorts) {
    List<String> voters = new ArrayList<>();
    for (int i = 0; i < controllerPorts.size(); i++) {
      voters.add((i + 1) + "@localhost:" + controllerPorts.get(i));
    }
    return String.join(",", voters);
  }

  /** Formats {@code logDir} for node {@code nodeId} of cluster {@code clusterId}, quietly. */
  public static void format(int nodeId, String clusterId, Path logDir) {
    // The Formatter is what kafka-storage.sh format runs.
    try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
      new Formatter()
          .setPrintStream(quiet)
          .setNodeId(nodeId)
          .setClusterId(clusterId)
          .setDirectories(List.of(logDir.toString()))
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName(CONTROLLER)
          .setReleaseVersion(MetadataVersion.latestProduction())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot format Kafka storage in " + logDir, e);
    }
  }
}
