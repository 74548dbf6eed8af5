package io.fraudpipeline.control.leadership;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/** Default replica ids: readable (which host, which process) and unique even for a restart. */
final class ReplicaIds {

  private ReplicaIds() {}

  static String orDefault(String configured) {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    return host()
        + "-"
        + ProcessHandle.current().pid()
        + "-"
        + UUID.randomUUID().toString().substring(0, 6);
  }

  private static String host() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
