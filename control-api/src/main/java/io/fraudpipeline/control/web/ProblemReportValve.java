package io.fraudpipeline.control.web;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's answer to a request it refuses itself, before any servlet or filter runs (a path with an
 * encoded NUL or a broken escape, {@code /api/v1/jobs/%00}; a character the request line may not
 * hold): a problem document like every other error of the API, instead of Tomcat's HTML page. As
 * {@link ProblemErrorController} does for the requests Spring's firewall refuses, only the status
 * and the path are told, never the server or the parser's reason; except for an encoded slash,
 * which the client can avoid once told ({@link RefusedPaths}).
 *
 * <p>Public, with a no-argument constructor: Tomcat's host creates its error report valve by class
 * name ({@link ProblemReportValves}).
 */
public final class ProblemReportValve extends ErrorReportValve {

  // ASCII only: written without a charset parameter, as every other problem of the API (JSON is
  // UTF-8 by definition), through Tomcat's reporter whose default encoding is ISO-8859-1.
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    // As Tomcat's own report: not for a success, not over something written already, and only once
    // (the first valve to claim the error writes it).
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    AtomicBoolean ioAllowed = new AtomicBoolean(true);
    response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
    if (!ioAllowed.get()) {
      return;
    }
    try {
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(JSON.writeValueAsString(problem(status, request)));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The client is gone or the response cannot take a body: nothing more can be told.
    }
  }

  private static Map<String, Object> problem(int status, Request request) {
    ProblemType type = ProblemType.forStatus(status);
    HttpStatus known = HttpStatus.resolve(status);
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", type.uri().toString());
    problem.put("title", type.title());
    problem.put("status", status);
    String path = path(request);
    problem.put(
        "detail",
        (status == 400 ? RefusedPaths.detail(path) : Optional.<String>empty())
            .orElseGet(
                () ->
                    "The request was not accepted: "
                        + (known == null ? String.valueOf(status) : known.getReasonPhrase())));
    if (path != null) {
      problem.put("instance", path);
    }
    return problem;
  }

  /** The path as sent, when it is a URI at all (a refused request line need not hold one). */
  private static String path(Request request) {
    try {
      String path = request.getRequestURI();
      return path == null || path.isEmpty() ? null : URI.create(path).toString();
    } catch (RuntimeException notAUri) {
      return null;
    }
  }
}
