package io.fraudpipeline.control.rules;

import tools.jackson.databind.JsonNode;

/**
 * One rule parameter that a change modified.
 *
 * @param field the dotted JSON path, e.g. {@code amount_threshold} or {@code
 *     category_thresholds.gambling}
 * @param from the value before, or null when the parameter was added
 * @param to the value after, or null when the parameter was removed
 */
public record FieldChange(String field, JsonNode from, JsonNode to) {}
