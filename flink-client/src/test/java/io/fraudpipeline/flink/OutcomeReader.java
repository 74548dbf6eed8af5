package io.fraudpipeline.flink;

import java.net.URI;
import java.time.Duration;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.rest.messages.TriggerId;

/**
 * Reads the outcome of operations Flink was asked for, one line each, in this JVM or (as {@code
 * main}) in a {@link BootLikeJvm}. An operation is {@code savepoint:<job>:<trigger>}, {@code
 * checkpoint:<job>:<trigger>} or {@code disposal:<trigger>}.
 */
public final class OutcomeReader {

  static final String PREFIX = "OUTCOME ";

  private OutcomeReader() {}

  static String read(FlinkRestClient client, String operation) {
    String[] parts = operation.split(":");
    try {
      return switch (parts[0]) {
        case "savepoint" ->
            client
                .savepointStatus(JobID.fromHexString(parts[1]), TriggerId.fromHexString(parts[2]))
                .toString();
        case "checkpoint" ->
            "checkpoint "
                + client.triggeredCheckpoint(
                    JobID.fromHexString(parts[1]), TriggerId.fromHexString(parts[2]));
        case "disposal" ->
            client.savepointDisposalStatus(TriggerId.fromHexString(parts[1])).toString();
        default -> throw new IllegalArgumentException(operation);
      };
    } catch (FlinkRequestException e) {
      return "FlinkRequestException " + e.flinkStatus() + " " + e.getMessage();
    }
  }

  /** {@code <Flink's REST URL> <operation>...}: prints a line per operation. */
  public static void main(String[] args) {
    try (FlinkRestClient client =
        new FlinkRestClient(URI.create(args[0]), Duration.ofSeconds(10), Duration.ofSeconds(10))) {
      for (int i = 1; i < args.length; i++) {
        System.out.println(PREFIX + args[i] + " " + read(client, args[i]));
      }
    }
  }
}
