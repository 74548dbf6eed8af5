package io.fraudpipeline.control.web;

import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAPI schema of the problem details {@link ApiExceptionHandler} answers: RFC 9457's
 * members, and the extension members the service sets at the top level (a client switches on {@code
 * type} and reads these, so a generated client needs them named).
 */
final class ProblemSchema {

  static final String NAME = "Problem";
  static final String REF = "#/components/schemas/" + NAME;

  private ProblemSchema() {}

  @SuppressWarnings({"rawtypes", "unchecked"})
  static Schema<?> schema() {
    Map<String, Schema> properties = new LinkedHashMap<>();
    properties.put(
        "type",
        string("Stable identifier of the error kind (docs/api.md lists them)")
            .format("uri")
            .example(ProblemType.BASE + "validation"));
    properties.put("title", string("Short summary of the error kind"));
    properties.put("status", integer("The HTTP status"));
    properties.put("detail", string("What went wrong, for people (the text may change)"));
    properties.put("instance", string("The request path").format("uri-reference"));
    properties.put(
        "errors",
        typed("array")
            .description("validation: one entry per invalid field or parameter")
            .items(
                typed("object")
                    .addProperty("field", string("The JSON name or path, e.g. rules[0].window"))
                    .addProperty("message", string("Why it is refused"))));
    properties.put("error_id", string("internal: the id the service's log records it under"));
    properties.put("current_version", integer("precondition-failed: the version that is current"));
    properties.put("running_job_id", string("conflict: the fraud job already running"));
    properties.put("running_job_state", string("conflict: its state"));
    properties.put("job_state", string("conflict: the job's state, which the command needs other"));
    properties.put(
        "operation_id", string("conflict: the operation in progress that holds the request up"));
    properties.put("state", string("conflict: the operation's state"));
    properties.put(
        "kind", string("conflict: the operation's kind (only backtests can be cancelled)"));
    properties.put("replica", string("conflict: the replica that runs the operation"));
    properties.put("slots_available", integer("conflict: free Flink task slots"));
    properties.put("slots_total", integer("conflict: all Flink task slots"));
    properties.put("parallelism", integer("conflict: the parallelism the job already runs at"));
    properties.put(
        "unsafe_savepoints",
        typed("array")
            .items(typed("string"))
            .description("conflict: the savepoints that would lose records"));
    properties.put("savepoint_id", string("conflict: the savepoint still needed"));
    properties.put("path", string("conflict: its path"));
    properties.put("pinned_by", string("conflict: why the control plane still needs it"));
    properties.put(
        "desired_version",
        integer("conflict or flink-error: the accepted desired-state version in question"));
    properties.put("upgrade_phase", string("conflict: the phase of the upgrade in progress"));
    properties.put("flink_status", integer("flink-error: the HTTP status Flink answered"));
    properties.put("max_subscribers", integer("too-many-requests: the streams allowed"));
    properties.put("max_concurrent_runs", integer("too-many-requests: the producer runs allowed"));
    properties.put("max_concurrent", integer("too-many-requests: the backtests allowed"));
    properties.put(
        "observed_at", string("kafka-unavailable: when Kafka was last asked").format("date-time"));
    properties.put(
        "last_reachable_at",
        string("kafka-unavailable: when Kafka last answered").format("date-time"));
    Schema schema = typed("object");
    schema.description(
        "RFC 9457 problem detail (application/problem+json). Members other than type, title,"
            + " status, detail and instance appear only with the problem types that set them.");
    schema.setProperties(properties);
    schema.setRequired(List.of("type", "title", "status"));
    return schema;
  }

  /** A schema of one JSON type, as OpenAPI 3.1 writes it (the 3.0 {@code type} is not served). */
  static Schema<Object> typed(String type) {
    return new JsonSchema().types(Set.of(type));
  }

  private static Schema<Object> string(String description) {
    return typed("string").description(description);
  }

  private static Schema<Object> integer(String description) {
    return typed("integer").description(description);
  }
}
