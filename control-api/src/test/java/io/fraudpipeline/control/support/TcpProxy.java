package io.fraudpipeline.control.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay from a local port to another, which a test can cut and restore: a part behind it is
 * unreachable for whoever talks to it through the relay (connections reset, new ones refused),
 * while the test still reaches it directly.
 */
public final class TcpProxy implements AutoCloseable {

  private final int port;
  private volatile int target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private volatile String cutMarker;
  private volatile Socket cutOnAnswerFrom;
  private volatile Socket cutRequestFrom;
  private final StringBuffer cutRequest = new StringBuffer();
  private volatile CompletableFuture<String> cutDone;

  private TcpProxy(int port, int target) {
    this.port = port;
    this.target = target;
  }

  /** Relays a free local port to {@code target} on localhost. */
  public static TcpProxy to(int target) {
    TcpProxy proxy = new TcpProxy(Ports.free(), target);
    proxy.open();
    return proxy;
  }

  /** Relays new connections to {@code port} from now on (a part started again elsewhere). */
  public void retarget(int port) {
    target = port;
  }

  public int port() {
    return port;
  }

  /** Accepts and relays again. */
  public synchronized void open() {
    if (server != null) {
      return;
    }
    try {
      ServerSocket listening = new ServerSocket();
      listening.setReuseAddress(true);
      listening.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      server = listening;
      Thread accept = new Thread(() -> accept(listening), "tcp-proxy-" + port);
      accept.setDaemon(true);
      accept.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + port, e);
    }
  }

  /** Refuses new connections and resets the open ones. */
  public synchronized void cut() {
    ServerSocket listening = server;
    server = null;
    closeQuietly(listening);
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  /**
   * Cuts the relay once a request containing {@code marker} (e.g. its path) has reached the target
   * and the target begins to answer it, without relaying that answer: the target acted on the
   * request, the sender never learns how. Looks for the marker within one read of the request.
   *
   * @return completed once cut, with the request the target answered as relayed from the read
   *     holding the marker on (its headers and body, as ISO-8859-1 text)
   */
  public CompletableFuture<String> cutOnAnswerTo(String marker) {
    CompletableFuture<String> done = new CompletableFuture<>();
    cutDone = done;
    cutOnAnswerFrom = null;
    cutRequestFrom = null;
    cutRequest.setLength(0);
    cutMarker = marker;
    return done;
  }

  @Override
  public void close() {
    cut();
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket upstream;
        try {
          upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
        sockets.add(client);
        sockets.add(upstream);
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (IOException e) {
        // Cut: the loop ends with the server socket.
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[8192];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                  if (from == cutOnAnswerFrom) {
                    cutOnAnswerFrom = null;
                    cutRequestFrom = null;
                    cut();
                    cutDone.complete(cutRequest.toString());
                    return;
                  }
                  String text = new String(buffer, 0, read, StandardCharsets.ISO_8859_1);
                  String marker = cutMarker;
                  // Before relaying it: the answer may come back before this thread reads on.
                  if (marker != null && text.contains(marker)) {
                    cutMarker = null;
                    cutRequestFrom = from;
                    cutOnAnswerFrom = to;
                  }
                  if (from == cutRequestFrom) {
                    cutRequest.append(text);
                  }
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException e) {
                // One side closed.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
              }
            },
            "tcp-proxy-pipe-" + port);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      // Already closed.
    }
  }
}
