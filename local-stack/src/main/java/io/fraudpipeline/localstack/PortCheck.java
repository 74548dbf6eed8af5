package io.fraudpipeline.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Refuses to start on a port something else holds, naming the option that moves it. */
final class PortCheck {

  private PortCheck() {}

  /** Throws {@link PortInUseException} when {@code port} (unless 0) cannot be bound. */
  static void requireFree(int port, String what, String option) {
    if (port == 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new PortInUseException(
          "Port "
              + port
              + " ("
              + what
              + ") is in use: stop what holds it (is a local stack already running?) or pick"
              + " another with "
              + option
              + ".");
    }
  }

  /** A free port on the loopback interface, for components that must be told one up front. */
  static int anyFree() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on the loopback interface", e);
    }
  }

  /** A port the stack needs is taken. */
  static final class PortInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PortInUseException(String message) {
      super(message);
    }
  }
}
