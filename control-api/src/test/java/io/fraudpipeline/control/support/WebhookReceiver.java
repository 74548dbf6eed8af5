package io.fraudpipeline.control.support;

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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on a real JDK HTTP server: keeps every request it gets, and answers 500 to the
 * first tries of the events of a job it is told to fail.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One request as received. */
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
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  public static WebhookReceiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      WebhookReceiver receiver = new WebhookReceiver(server);
      server.createContext("/hooks", receiver::handle);
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
  }

  /** The first {@code tries} requests about this job are answered 500. */
  public void failFirstTries(String jobId, int tries) {
    failuresLeft.put(jobId, new AtomicInteger(tries));
  }

  /** Every request about this job, in the order received. */
  public List<Request> about(String jobId) {
    return requests.stream().filter(r -> r.jobId().equals(jobId)).toList();
  }

  /** Every request, in the order received. */
  public List<Request> all() {
    return List.copyOf(requests);
  }

  private void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String jobId = ApiClient.JSON.readTree(body).path("job_id").asString("");
      AtomicInteger left = failuresLeft.get(jobId);
      int status = left != null && left.getAndDecrement() > 0 ? 500 : 204;
      requests.add(
          new Request(Instant.now(), Map.copyOf(exchange.getRequestHeaders()), body, status));
      exchange.sendResponseHeaders(status, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
