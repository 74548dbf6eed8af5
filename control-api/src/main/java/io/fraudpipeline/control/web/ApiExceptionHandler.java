package io.fraudpipeline.control.web;

import io.fraudpipeline.control.errors.ConcurrencyLimitException;
import io.fraudpipeline.control.errors.DomainException;
import io.fraudpipeline.control.errors.ExecutionFailedException;
import io.fraudpipeline.control.errors.IncompleteBuildException;
import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.control.errors.MalformedInputException;
import io.fraudpipeline.control.errors.NotFoundException;
import io.fraudpipeline.control.errors.ShuttingDownException;
import io.fraudpipeline.control.errors.StateConflictException;
import io.fraudpipeline.control.errors.VersionMismatchException;
import io.fraudpipeline.control.errors.VersionRequiredException;
import io.fraudpipeline.control.json.JsonBodies;
import io.fraudpipeline.control.kafka.KafkaUnavailableException;
import io.fraudpipeline.flink.FlinkRequestException;
import io.fraudpipeline.flink.FlinkUnavailableException;
import io.fraudpipeline.model.FieldError;
import io.fraudpipeline.model.FraudJson;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.validation.ObjectError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every failure into an RFC 9457 problem detail with a stable {@code type}; Spring's own MVC
 * exceptions come through {@link ResponseEntityExceptionHandler} and get their type stamped here.
 * Nothing escapes as a 500 with a stack trace: the last handler logs the exception with an id and
 * answers a problem that names only that id.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  private static final Pattern WHOLE_NUMBER = Pattern.compile("\\s*[+-]?\\d+\\s*");

  /** Builds a problem detail of the given type. */
  public static ProblemDetail problem(ProblemType type, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), detail);
    problem.setType(type.uri());
    problem.setTitle(type.title());
    return problem;
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ProblemDetail> handleApi(ApiException e) {
    ProblemDetail problem = problem(e.type(), e.getMessage());
    e.properties().forEach(problem::setProperty);
    if (e.type().status().is5xxServerError()) {
      log.warn("{}: {}", e.type().title(), e.getMessage());
    }
    return ResponseEntity.status(e.type().status()).body(problem);
  }

  @ExceptionHandler(DomainException.class)
  ResponseEntity<ProblemDetail> handleDomain(DomainException e) {
    ResponseEntity<ProblemDetail> response =
        handleApi(new ApiException(typeOf(e), e.getMessage(), e.properties(), e));
    if (e instanceof ConcurrencyLimitException limit && limit.retryAfter().isPresent()) {
      // Whole seconds (RFC 9110), rounded up so that a client waiting this long is not early.
      long seconds = Math.max(1, (limit.retryAfter().get().toMillis() + 999) / 1000);
      return ResponseEntity.status(response.getStatusCode())
          .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
          .body(response.getBody());
    }
    return response;
  }

  /** The problem type each kind of domain failure is answered with. */
  static ProblemType typeOf(DomainException e) {
    if (e instanceof NotFoundException) {
      return ProblemType.NOT_FOUND;
    } else if (e instanceof StateConflictException) {
      return ProblemType.CONFLICT;
    } else if (e instanceof InvalidInputException) {
      return ProblemType.VALIDATION;
    } else if (e instanceof MalformedInputException) {
      return ProblemType.MALFORMED_BODY;
    } else if (e instanceof ConcurrencyLimitException) {
      return ProblemType.TOO_MANY_REQUESTS;
    } else if (e instanceof VersionMismatchException) {
      return ProblemType.PRECONDITION_FAILED;
    } else if (e instanceof VersionRequiredException) {
      return ProblemType.PRECONDITION_REQUIRED;
    } else if (e instanceof ExecutionFailedException) {
      return ProblemType.FLINK_ERROR;
    } else if (e instanceof IncompleteBuildException) {
      return ProblemType.INTERNAL;
    } else if (e instanceof ShuttingDownException) {
      return ProblemType.SHUTTING_DOWN;
    }
    // Unreachable while every permitted kind has a branch above (DomainProblemsTest checks).
    return ProblemType.INTERNAL;
  }

  @ExceptionHandler(FlinkUnavailableException.class)
  ResponseEntity<ProblemDetail> handleFlinkUnavailable(FlinkUnavailableException e) {
    return handleApi(new ApiException(ProblemType.FLINK_UNAVAILABLE, e.getMessage()));
  }

  @ExceptionHandler(FlinkRequestException.class)
  ResponseEntity<ProblemDetail> handleFlinkRefusal(FlinkRequestException e) {
    // An operation that failed after Flink accepted it has no status of Flink's to quote.
    return handleApi(
        e.flinkStatus() > 0
            ? new ApiException(
                ProblemType.FLINK_ERROR, e.getMessage(), Map.of("flink_status", e.flinkStatus()))
            : new ApiException(ProblemType.FLINK_ERROR, e.getMessage()));
  }

  @ExceptionHandler(KafkaUnavailableException.class)
  ResponseEntity<ProblemDetail> handleKafkaUnavailable(KafkaUnavailableException e) {
    return handleApi(new ApiException(ProblemType.KAFKA_UNAVAILABLE, e.getMessage()));
  }

  @ExceptionHandler(AuthenticationException.class)
  ResponseEntity<ProblemDetail> handleAuthentication(AuthenticationException e) {
    return ResponseEntity.status(ProblemType.UNAUTHORIZED.status())
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
        .body(problem(ProblemType.UNAUTHORIZED, e.getMessage()));
  }

  @ExceptionHandler(AccessDeniedException.class)
  ResponseEntity<ProblemDetail> handleAccessDenied(AccessDeniedException e) {
    return ResponseEntity.status(ProblemType.FORBIDDEN.status())
        .body(problem(ProblemType.FORBIDDEN, e.getMessage()));
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<ProblemDetail> handleConstraintViolation(ConstraintViolationException e) {
    List<FieldError> errors = new ArrayList<>();
    e.getConstraintViolations()
        .forEach(
            v ->
                errors.add(
                    new FieldError(
                        snakePath(lastNode(v.getPropertyPath().toString())), v.getMessage())));
    return validation(errors);
  }

  /**
   * Tomcat decodes the query string when a parameter is first read, so a broken %-escape surfaces
   * there, inside whichever handler reads one: a client error, not ours.
   */
  @ExceptionHandler(InvalidParameterException.class)
  ResponseEntity<ProblemDetail> handleUndecodableQuery(InvalidParameterException e) {
    return handleApi(
        new ApiException(
            ProblemType.VALIDATION,
            "The query string holds a broken %-escape or one that is not UTF-8: each % must be"
                + " followed by two hex digits of a UTF-8 byte"));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> handleUnexpected(Exception e) {
    String errorId = UUID.randomUUID().toString();
    log.error("Unexpected error {}", errorId, e);
    ProblemDetail problem =
        problem(
            ProblemType.INTERNAL,
            "Unexpected error; the control plane's log has the details under error id " + errorId);
    problem.setProperty("error_id", errorId);
    return ResponseEntity.internalServerError().body(problem);
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldError> errors = new ArrayList<>();
    for (var error : ex.getBindingResult().getFieldErrors()) {
      errors.add(new FieldError(snakePath(error.getField()), error.getDefaultMessage()));
    }
    for (ObjectError error : ex.getBindingResult().getGlobalErrors()) {
      errors.add(new FieldError(error.getObjectName(), error.getDefaultMessage()));
    }
    return new ResponseEntity<>(validation(errors).getBody(), headers, status);
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldError> errors = new ArrayList<>();
    for (ParameterValidationResult result : ex.getParameterValidationResults()) {
      if (result instanceof ParameterErrors bound) {
        // A @Valid request body: report its fields, not the parameter.
        for (var error : bound.getFieldErrors()) {
          errors.add(new FieldError(snakePath(error.getField()), error.getDefaultMessage()));
        }
        for (ObjectError error : bound.getGlobalErrors()) {
          errors.add(new FieldError(error.getObjectName(), error.getDefaultMessage()));
        }
        continue;
      }
      String name = result.getMethodParameter().getParameterName();
      PathVariable path = result.getMethodParameter().getParameterAnnotation(PathVariable.class);
      RequestParam param = result.getMethodParameter().getParameterAnnotation(RequestParam.class);
      if (path != null && !path.value().isEmpty()) {
        name = path.value();
      } else if (param != null && !param.value().isEmpty()) {
        name = param.value();
      }
      for (var error : result.getResolvableErrors()) {
        errors.add(
            new FieldError(
                name == null ? "parameter" : snakePath(name), error.getDefaultMessage()));
      }
    }
    return new ResponseEntity<>(validation(errors).getBody(), headers, status);
  }

  /** A query or path parameter that cannot be converted ({@code ?limit=abc}): a field error. */
  @Override
  protected ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String name =
        ex instanceof MethodArgumentTypeMismatchException argument
            ? argument.getName()
            : ex.getPropertyName();
    String expected =
        ex.getRequiredType() == null ? null : JsonBodies.expectationOf(ex.getRequiredType());
    if (isWholeNumberTooLarge(ex)) {
      // Not "must be a whole number": it is one, only too large for the parameter's type.
      expected =
          "is out of range"
              + (ex instanceof MethodArgumentTypeMismatchException argument
                  ? allowedRange(argument.getParameter())
                  : "");
    }
    FieldError error =
        new FieldError(
            name == null ? "parameter" : snakePath(name),
            expected == null ? "has an invalid value" : expected);
    return new ResponseEntity<>(validation(List.of(error)).getBody(), headers, status);
  }

  /**
   * A whole number where an integral type belongs that still did not convert: it overflows the type
   * ({@code ?limit=99999999999} for an {@code int}).
   */
  private static boolean isWholeNumberTooLarge(TypeMismatchException ex) {
    Class<?> type = ex.getRequiredType();
    boolean integral =
        type == int.class
            || type == Integer.class
            || type == long.class
            || type == Long.class
            || type == short.class
            || type == Short.class;
    return integral
        && ex.getValue() instanceof String value
        && WHOLE_NUMBER.matcher(value).matches();
  }

  /** ": must be between 1 and 1000" from the parameter's {@code @Min} and {@code @Max}, if any. */
  private static String allowedRange(MethodParameter parameter) {
    Min min = parameter.getParameterAnnotation(Min.class);
    Max max = parameter.getParameterAnnotation(Max.class);
    if (min != null && max != null) {
      return ": must be between " + min.value() + " and " + max.value();
    }
    if (max != null) {
      return ": must be at most " + max.value();
    }
    return min != null ? ": must be at least " + min.value() : "";
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ProblemDetail problem;
    if (ex.getCause() instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
      String field = FraudJson.fieldPath(jackson);
      String message =
          jackson instanceof UnrecognizedPropertyException
              ? "unknown field"
              : JsonBodies.firstLine(rootMessage(jackson));
      problem = validation(List.of(new FieldError(field, message))).getBody();
    } else if (ex.getCause() instanceof MismatchedInputException whole) {
      // The body as a whole is of the wrong kind, e.g. an array where an object is expected.
      problem =
          problem(ProblemType.MALFORMED_BODY, "The request body " + JsonBodies.expectation(whole));
    } else {
      String detail =
          ex.getCause() instanceof JacksonException jackson
              ? "The request body is not valid JSON: " + JsonBodies.notJsonReason(jackson)
              : "The request body is missing or unreadable";
      problem = problem(ProblemType.MALFORMED_BODY, detail);
    }
    return new ResponseEntity<>(problem, headers, status);
  }

  /** Stamps the stable type (and a plain title) on the problems Spring itself produces. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ResponseEntity<Object> response =
        super.handleExceptionInternal(ex, body, headers, status, request);
    if (response != null && response.getBody() instanceof ProblemDetail problem) {
      if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
        ProblemType type = ProblemType.forStatus(status.value());
        problem.setType(type.uri());
        // Spring titles its own problems ("Method Not Allowed"); a type has one title everywhere.
        problem.setTitle(type.title());
      }
    }
    return response;
  }

  private ResponseEntity<ProblemDetail> validation(List<FieldError> errors) {
    return handleDomain(new InvalidInputException(errors));
  }

  /** Why a field's value was refused: a record's own check says it, else what was expected. */
  private static String rootMessage(JacksonException e) {
    Throwable cause = e.getCause();
    if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
      return cause.getMessage();
    }
    return JsonBodies.expectation(e);
  }

  private static String lastNode(String propertyPath) {
    // "deploy.request.parallelism" -> "parallelism" for method parameter constraints
    int dot = propertyPath.lastIndexOf('.');
    return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
  }

  /** {@code restore.savepointPath} becomes {@code restore.savepoint_path}, like the JSON. */
  static String snakePath(String javaPath) {
    StringBuilder out = new StringBuilder();
    for (String part : javaPath.split("\\.")) {
      if (!out.isEmpty()) {
        out.append('.');
      }
      int bracket = part.indexOf('[');
      String name = bracket < 0 ? part : part.substring(0, bracket);
      out.append(snake(name));
      if (bracket >= 0) {
        out.append(part.substring(bracket));
      }
    }
    return out.toString();
  }

  private static String snake(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0) {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
