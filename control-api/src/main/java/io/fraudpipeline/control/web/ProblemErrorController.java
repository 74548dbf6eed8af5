package io.fraudpipeline.control.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Optional;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The errors that never reach a controller (a request the security firewall rejects, such as a path
 * with an encoded {@code ..}) are problem documents like every other error of the API, not Boot's
 * own error JSON. Nothing about the request beyond its status and path is told, except what a
 * client can act on ({@link RefusedPaths}: an encoded period, which the firewall refuses).
 */
@RestController
class ProblemErrorController implements ErrorController {

  @RequestMapping("${spring.web.error.path:/error}")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status =
        code instanceof Integer number && HttpStatus.resolve(number) != null
            ? HttpStatus.resolve(number)
            : HttpStatus.INTERNAL_SERVER_ERROR;
    ProblemType type = ProblemType.forStatus(status.value());
    String path =
        request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri
            ? uri
            : null;
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            status,
            (status == HttpStatus.BAD_REQUEST
                    ? RefusedPaths.detail(path)
                    : Optional.<String>empty())
                .orElse("The request was not accepted: " + status.getReasonPhrase()));
    problem.setType(type.uri());
    problem.setTitle(type.title());
    if (path != null) {
      try {
        problem.setInstance(URI.create(path));
      } catch (IllegalArgumentException notAUri) {
        // A path the firewall rejected need not be a valid URI: leave the instance out.
      }
    }
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
