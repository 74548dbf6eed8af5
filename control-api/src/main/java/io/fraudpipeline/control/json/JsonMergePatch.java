package io.fraudpipeline.control.json;

import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Merge Patch (RFC 7396), the algorithm of its section 2 on Jackson trees: members of the
 * patch replace those of the target, objects merge recursively, {@code null} removes a member, and
 * a patch that is not an object replaces the whole target. Jackson has no merge patch of its own
 * and the known libraries implement it on Jackson 2 or JSON-P trees; the RFC's ten lines are
 * simpler than converting trees.
 */
public final class JsonMergePatch {

  private JsonMergePatch() {}

  /** The patched document; neither argument is modified. */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? (ObjectNode) target.deepCopy()
            : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> member : patch.properties()) {
      if (member.getValue().isNull()) {
        result.remove(member.getKey());
      } else {
        result.set(member.getKey(), apply(result.get(member.getKey()), member.getValue()));
      }
    }
    return result;
  }
}
