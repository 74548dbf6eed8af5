package io.fraudpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortCheckTest {

  @Test
  void refusesToStartOnATakenPortAndNamesTheOptionThatMovesIt(@TempDir Path dataDir)
      throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      LocalStackOptions options = LocalStackOptions.ephemeral(dataDir);
      LocalStackOptions onTakenPort =
          new LocalStackOptions(
              taken.getLocalPort(),
              0,
              0,
              0,
              1,
              1,
              dataDir,
              options.externalKafka(),
              options.externalFlink(),
              options.apiToken());

      assertThatThrownBy(() -> RunningStack.start(onTakenPort))
          .isInstanceOf(PortCheck.PortInUseException.class)
          .hasMessageContaining(String.valueOf(taken.getLocalPort()))
          .hasMessageContaining("--api-port");
    }
  }

  @Test
  void acceptsAFreePortAndAnyPort() {
    assertThatCode(() -> PortCheck.requireFree(PortCheck.anyFree(), "x", "--x"))
        .doesNotThrowAnyException();
    assertThatCode(() -> PortCheck.requireFree(0, "x", "--x")).doesNotThrowAnyException();
  }
}
