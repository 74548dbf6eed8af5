package io.fraudpipeline.control.web;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.fraudpipeline.control.jobs.JobNotFoundException;
import io.fraudpipeline.control.operations.OperationNotFoundException;
import io.fraudpipeline.model.FieldError;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Each kind of domain failure is answered with the status and problem type clients know. */
class DomainProblemsTest {

  private static final String TYPES = "https://fraud-pipeline.dev/problems/";

  private final ApiExceptionHandler handler = new ApiExceptionHandler();

  /** One of each kind, with the status and type slug the API has always answered it with. */
  private static final List<Expected> KINDS =
      List.of(
          new Expected(new NotFoundException("no such thing"), 404, "not-found"),
          new Expected(new StateConflictException("job ended"), 409, "conflict"),
          new Expected(new InvalidInputException("bad run"), 400, "validation"),
          new Expected(new MalformedInputException("not JSON"), 400, "malformed-body"),
          new Expected(new ConcurrencyLimitException("3 running"), 429, "too-many-requests"),
          new Expected(
              new VersionMismatchException("at 4", Map.of("current_version", 4L)),
              412,
              "precondition-failed"),
          new Expected(new VersionRequiredException("If-Match?"), 428, "precondition-required"),
          new Expected(
              new ExecutionFailedException("step failed", Map.of("desired_version", 7L)),
              502,
              "flink-error"),
          new Expected(new IncompleteBuildException("no jar"), 500, "internal"),
          new Expected(
              new ShuttingDownException("going", Map.of("replica", "cp-a")), 503, "shutting-down"));

  @Test
  void answersEachKindWithItsStatusTypeAndDetail() {
    for (Expected kind : KINDS) {
      ResponseEntity<ProblemDetail> response = handler.handleDomain(kind.failure());

      assertThat(response.getStatusCode().value())
          .as(kind.failure().getClass().getSimpleName())
          .isEqualTo(kind.status());
      ProblemDetail problem = response.getBody();
      assertThat(problem.getStatus()).isEqualTo(kind.status());
      assertThat(problem.getType()).hasToString(TYPES + kind.slug());
      assertThat(problem.getDetail()).isEqualTo(kind.failure().getMessage());
      Map<String, Object> extra =
          problem.getProperties() == null ? Map.of() : problem.getProperties();
      assertThat(extra).isEqualTo(kind.failure().properties());
    }
  }

  @Test
  void coversEveryKindThereIs() {
    assertThat(
            KINDS.stream().<Class<?>>map(k -> k.failure().getClass()).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.asList(DomainException.class.getPermittedSubclasses()));
  }

  @Test
  void listsEachInvalidFieldAndNamesTheOnlyOne() {
    FieldError rate = new FieldError("rate_per_second", "must be at least 1");
    FieldError seed = new FieldError("seed", "must be a number");

    ProblemDetail one = handler.handleDomain(new InvalidInputException(List.of(rate))).getBody();
    ProblemDetail two =
        handler.handleDomain(new InvalidInputException(List.of(rate, seed))).getBody();

    assertThat(one.getDetail()).isEqualTo("Invalid field 'rate_per_second': must be at least 1");
    assertThat(one.getProperties()).containsEntry("errors", List.of(rate));
    assertThat(two.getDetail()).isEqualTo("2 fields are invalid");
    assertThat(two.getProperties()).containsEntry("errors", List.of(rate, seed));
    assertThat(new InvalidInputException(List.of()).getMessage())
        .isEqualTo("The request is invalid");
  }

  @Test
  void answersSubclassesAsTheirKind() {
    ProblemDetail job = handler.handleDomain(new JobNotFoundException("abc", "fraud")).getBody();
    ProblemDetail operation =
        handler.handleDomain(new OperationNotFoundException("op-1")).getBody();

    assertThat(job.getStatus()).isEqualTo(404);
    assertThat(job.getDetail()).isEqualTo("Flink knows no 'fraud' job with id abc");
    assertThat(operation.getType()).hasToString(TYPES + "not-found");
  }

  private record Expected(DomainException failure, int status, String slug) {}
}
