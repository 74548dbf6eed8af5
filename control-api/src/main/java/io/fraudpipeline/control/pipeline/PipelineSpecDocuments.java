package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.errors.InvalidInputException;
import io.fraudpipeline.control.flink.DeliveryGuarantee;
import io.fraudpipeline.model.FieldError;
import io.fraudpipeline.model.FraudJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pipeline spec as JSON documents: what {@code PUT} takes, what {@code PATCH} merges into, read
 * strictly with one field problem per mistake (a 400 validation problem, never a 500).
 */
final class PipelineSpecDocuments {

  static final Set<String> FIELDS =
      Set.of(
          "state",
          "parallelism",
          "delivery_guarantee",
          "upgrade_mode",
          "suspend_mode",
          "restart_failed",
          "restore_savepoint_path",
          "allow_non_restored_state",
          "jar_sha256");

  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private PipelineSpecDocuments() {}

  /** The editable document of a spec, as {@code GET} shows it. */
  static ObjectNode document(PipelineSpec spec) {
    ObjectNode node = FraudJson.mapper().createObjectNode();
    node.put("state", spec.state().json());
    node.put("parallelism", spec.parallelism());
    node.put("delivery_guarantee", spec.deliveryGuarantee().argument());
    node.put("upgrade_mode", spec.upgradeMode().json());
    node.put("suspend_mode", spec.suspendMode().json());
    node.put("restart_failed", spec.restartFailed());
    if (spec.restoreSavepointPath() == null) {
      node.putNull("restore_savepoint_path");
    } else {
      node.put("restore_savepoint_path", spec.restoreSavepointPath());
    }
    node.put("allow_non_restored_state", spec.allowNonRestoredState());
    if (spec.jarSha256() == null) {
      node.putNull("jar_sha256");
    } else {
      node.put("jar_sha256", spec.jarSha256());
    }
    return node;
  }

  /**
   * Reads a document; absent fields take the given defaults.
   *
   * @param jarKnown whether a jar checksum names a jar the control plane can run
   */
  static PipelineSpec read(
      JsonNode document, PipelineSpec defaults, int maxParallelism, Predicate<String> jarKnown) {
    if (!document.isObject()) {
      throw new InvalidInputException(List.of(new FieldError("", "must be a JSON object")));
    }
    List<FieldError> errors = new ArrayList<>();
    for (String name : document.propertyNames()) {
      if (!FIELDS.contains(name)) {
        errors.add(
            new FieldError(
                name,
                "unknown field (the spec's fields: "
                    + String.join(", ", FIELDS.stream().sorted().toList())
                    + ")"));
      }
    }
    PipelineState state = text(document, "state", PipelineState::parse, defaults.state(), errors);
    int parallelism = defaults.parallelism();
    JsonNode p = document.get("parallelism");
    if (p != null && !p.isNull()) {
      // canConvertToInt first: asInt() of a number beyond int's range throws (a 500, not a 400).
      if (!p.isIntegralNumber()
          || !p.canConvertToInt()
          || p.asInt() < 1
          || p.asInt() > maxParallelism) {
        errors.add(
            new FieldError(
                "parallelism",
                "must be a whole number from 1 to "
                    + maxParallelism
                    + " (fraud.job.max-parallelism)"));
      } else {
        parallelism = p.asInt();
      }
    }
    DeliveryGuarantee guarantee =
        text(
            document,
            "delivery_guarantee",
            DeliveryGuarantee::parse,
            defaults.deliveryGuarantee(),
            errors);
    UpgradeMode upgradeMode =
        text(document, "upgrade_mode", UpgradeMode::parse, defaults.upgradeMode(), errors);
    SuspendMode suspendMode =
        text(document, "suspend_mode", SuspendMode::parse, defaults.suspendMode(), errors);
    boolean restartFailed = bool(document, "restart_failed", defaults.restartFailed(), errors);
    boolean allowNonRestored =
        bool(document, "allow_non_restored_state", defaults.allowNonRestoredState(), errors);
    String restore = defaults.restoreSavepointPath();
    JsonNode r = document.get("restore_savepoint_path");
    if (r != null) {
      if (r.isNull()) {
        restore = null;
      } else if (!r.isString() || r.asString().isBlank() || r.asString().length() > 4096) {
        errors.add(
            new FieldError(
                "restore_savepoint_path", "must be a savepoint path (at most 4096 characters)"));
      } else {
        restore = r.asString().strip();
      }
    }
    String jar = defaults.jarSha256();
    JsonNode j = document.get("jar_sha256");
    if (j != null && !j.isNull()) {
      if (!j.isString() || !SHA256.matcher(j.asString().strip()).matches()) {
        errors.add(new FieldError("jar_sha256", "must be a SHA-256 checksum (64 hex digits)"));
      } else if (!jarKnown.test(j.asString().strip().toLowerCase(Locale.ROOT))) {
        errors.add(
            new FieldError(
                "jar_sha256",
                "no job jar with this checksum is in the jar store (fraud.job.jar-store), which"
                    + " keeps the jar this control plane ships and every jar it ran"));
      } else {
        jar = j.asString().strip().toLowerCase(Locale.ROOT);
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return new PipelineSpec(
        state,
        parallelism,
        guarantee,
        upgradeMode,
        suspendMode,
        restartFailed,
        restore,
        allowNonRestored,
        jar);
  }

  private static <T> T text(
      JsonNode document,
      String field,
      Function<String, T> parse,
      T fallback,
      List<FieldError> errors) {
    JsonNode value = document.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isString()) {
      errors.add(new FieldError(field, "must be a string"));
      return fallback;
    }
    try {
      return parse.apply(value.asString());
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError(field, e.getMessage()));
      return fallback;
    }
  }

  private static boolean bool(
      JsonNode document, String field, boolean fallback, List<FieldError> errors) {
    JsonNode value = document.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      errors.add(new FieldError(field, "must be true or false"));
      return fallback;
    }
    return value.asBoolean();
  }
}
