package io.fraudpipeline.control.web;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * Every kind of error the API answers, each with a stable {@code type} URI (RFC 9457) that clients
 * may switch on. The URIs are identifiers; docs/api.md describes each.
 */
public enum ProblemType {
  VALIDATION("validation", "Invalid request", HttpStatus.BAD_REQUEST),
  MALFORMED_BODY("malformed-body", "Malformed request body", HttpStatus.BAD_REQUEST),
  UNAUTHORIZED("unauthorized", "Missing or invalid bearer token", HttpStatus.UNAUTHORIZED),
  FORBIDDEN("forbidden", "Forbidden", HttpStatus.FORBIDDEN),
  NOT_FOUND("not-found", "Not found", HttpStatus.NOT_FOUND),
  METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", HttpStatus.METHOD_NOT_ALLOWED),
  NOT_ACCEPTABLE("not-acceptable", "Not acceptable", HttpStatus.NOT_ACCEPTABLE),
  UNSUPPORTED_MEDIA_TYPE(
      "unsupported-media-type", "Unsupported media type", HttpStatus.UNSUPPORTED_MEDIA_TYPE),
  CONFLICT("conflict", "Conflict", HttpStatus.CONFLICT),
  CONTENT_TOO_LARGE("content-too-large", "Request body too large", HttpStatus.CONTENT_TOO_LARGE),
  PRECONDITION_FAILED("precondition-failed", "Precondition failed", HttpStatus.PRECONDITION_FAILED),
  PRECONDITION_REQUIRED(
      "precondition-required", "Precondition required", HttpStatus.PRECONDITION_REQUIRED),
  TOO_MANY_REQUESTS("too-many-requests", "Too many requests", HttpStatus.TOO_MANY_REQUESTS),
  FLINK_UNAVAILABLE("flink-unavailable", "Flink unavailable", HttpStatus.SERVICE_UNAVAILABLE),
  FLINK_ERROR("flink-error", "Flink refused the request", HttpStatus.BAD_GATEWAY),
  KAFKA_UNAVAILABLE("kafka-unavailable", "Kafka unavailable", HttpStatus.SERVICE_UNAVAILABLE),
  SHUTTING_DOWN("shutting-down", "Replica shutting down", HttpStatus.SERVICE_UNAVAILABLE),
  INTERNAL("internal", "Internal error", HttpStatus.INTERNAL_SERVER_ERROR);

  /** Prefix of every problem type URI. */
  public static final String BASE = "https://fraud-pipeline.dev/problems/";

  private final URI uri;
  private final String title;
  private final HttpStatus status;

  ProblemType(String slug, String title, HttpStatus status) {
    this.uri = URI.create(BASE + slug);
    this.title = title;
    this.status = status;
  }

  public URI uri() {
    return uri;
  }

  public String title() {
    return title;
  }

  public HttpStatus status() {
    return status;
  }

  /** The type a bare HTTP status maps to when no more specific one applies. */
  public static ProblemType forStatus(int status) {
    return switch (status) {
      case 400 -> VALIDATION;
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 409 -> CONFLICT;
      case 412 -> PRECONDITION_FAILED;
      case 413 -> CONTENT_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 428 -> PRECONDITION_REQUIRED;
      case 429 -> TOO_MANY_REQUESTS;
      default -> INTERNAL;
    };
  }
}
