package io.fraudpipeline.control.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on a real JDK HTTP server: keeps every request it gets; answers 500 to the
 * first tries of the events of a job it is told to fail, a fixed status to those of a job it is
 * told to answer so, and holds the requests about a job it is told to hold until released. It can
 * be taken down (connections refused) and brought back on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One request as received (the status it was, or is being, answered with). */
  public record Request(
      Instant receivedAt, Map<String, List<String>> headers, String body, int status) {

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    public String jobId() {
      return ApiClient.JSON.readTree(body).path("job_id").asString("");
    }

    public String eventId() {
      return header("X-Fraud-Event-Id");
    }
  }

  private int port;
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
  private volatile HttpServer server;

  private WebhookReceiver() {}

  public static WebhookReceiver start() {
    WebhookReceiver receiver = new WebhookReceiver();
    receiver.server = receiver.serve(0);
    receiver.port = receiver.server.getAddress().getPort();
    return receiver;
  }

  private HttpServer serve(int on) {
    try {
      HttpServer created = HttpServer.create(new InetSocketAddress("127.0.0.1", on), 0);
      created.createContext("/hooks", this::handle);
      created.setExecutor(handlers);
      created.start();
      return created;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return base() + "/hooks";
  }

  /** Scheme, host and port: how the control plane's logs name this receiver. */
  public String base() {
    return "http://127.0.0.1:" + port;
  }

  /** The first {@code tries} requests about this job are answered 500. */
  public void failFirstTries(String jobId, int tries) {
    failuresLeft.put(jobId, new AtomicInteger(tries));
  }

  /** Every request about this job is answered with this status. */
  public void answer(String jobId, int status) {
    statuses.put(jobId, status);
  }

  /** Requests about this job get no answer until {@link #release}. */
  public void hold(String jobId) {
    holds.put(jobId, new CountDownLatch(1));
  }

  /** Answers the held request. */
  public void release(String jobId) {
    holds.remove(jobId).countDown();
  }

  /** Stops listening: connections are refused until {@link #up}. */
  public void down() {
    server.stop(0);
  }

  /** Listens again, on the same port. */
  public void up() {
    server = serve(port);
  }

  /** Every request about this job, in the order received. */
  public List<Request> about(String jobId) {
    return requests.stream().filter(r -> r.jobId().equals(jobId)).toList();
  }

  /** Every request, in the order received. */
  public List<Request> all() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String jobId = ApiClient.JSON.readTree(body).path("job_id").asString("");
      AtomicInteger left = failuresLeft.get(jobId);
      int status =
          left != null && left.getAndDecrement() > 0 ? 500 : statuses.getOrDefault(jobId, 204);
      requests.add(
          new Request(Instant.now(), Map.copyOf(exchange.getRequestHeaders()), body, status));
      CountDownLatch held = holds.get(jobId);
      if (held != null && held.getCount() > 0) {
        held.await(60, TimeUnit.SECONDS);
      }
      exchange.sendResponseHeaders(status, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
