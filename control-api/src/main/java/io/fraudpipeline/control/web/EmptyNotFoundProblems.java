package io.fraudpipeline.control.web;

import java.net.URI;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * A handler that answers 404 without a body, as the actuator does for an unknown health component
 * ({@code /actuator/health/nope}), answers a not-found problem like every other unknown path.
 * Spring offers a response body advice even a null body, for this; a body a handler did write is
 * left as it is.
 */
@ControllerAdvice
class EmptyNotFoundProblems implements ResponseBodyAdvice<Object> {

  @Override
  public boolean supports(
      MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
    return true;
  }

  @Override
  public Object beforeBodyWrite(
      Object body,
      MethodParameter returnType,
      MediaType contentType,
      Class<? extends HttpMessageConverter<?>> converterType,
      ServerHttpRequest request,
      ServerHttpResponse response) {
    if (body != null
        || !(response instanceof ServletServerHttpResponse servlet)
        || servlet.getServletResponse().getStatus() != HttpStatus.NOT_FOUND.value()) {
      return body;
    }
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "Nothing is found at this path");
    problem.setType(ProblemType.NOT_FOUND.uri());
    problem.setTitle(ProblemType.NOT_FOUND.title());
    problem.setInstance(URI.create(request.getURI().getRawPath()));
    // The converter sets the type it was chosen for (the actuator's JSON) unless one is set.
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return problem;
  }
}
