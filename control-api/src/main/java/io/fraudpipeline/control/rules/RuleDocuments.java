package io.fraudpipeline.control.rules;

import io.fraudpipeline.model.FraudJson;
import io.fraudpipeline.model.RuleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A rule set's editable parameters as a JSON document (what PUT replaces and PATCH patches), and
 * the differences between two rule sets. Version and stamps are the server's, not part of it.
 */
final class RuleDocuments {

  /** Members of the wire format that the server sets. */
  static final List<String> SERVER_FIELDS = List.of("version", "updated_at", "updated_by");

  private RuleDocuments() {}

  /** The editable parameters of a rule set, named as on the wire. */
  static ObjectNode editable(RuleSet rules) {
    ObjectNode document = FraudJson.mapper().valueToTree(rules);
    SERVER_FIELDS.forEach(document::remove);
    return document;
  }

  /** Each parameter that differs, by dotted path, in path order. */
  static List<FieldChange> changes(RuleSet before, RuleSet after) {
    Map<String, JsonNode> from = new TreeMap<>();
    Map<String, JsonNode> to = new TreeMap<>();
    flatten(editable(before), "", from);
    flatten(editable(after), "", to);
    TreeSet<String> fields = new TreeSet<>(from.keySet());
    fields.addAll(to.keySet());
    List<FieldChange> changes = new ArrayList<>();
    for (String field : fields) {
      JsonNode a = from.get(field);
      JsonNode b = to.get(field);
      if (!same(a, b)) {
        changes.add(new FieldChange(field, a, b));
      }
    }
    return List.copyOf(changes);
  }

  private static void flatten(JsonNode node, String prefix, Map<String, JsonNode> into) {
    if (prefix.equals("rules") && node.isArray()) {
      // Named rules by id, so a change reads "rules.many-merchants.limit", not the whole list.
      for (int i = 0; i < node.size(); i++) {
        JsonNode rule = node.get(i);
        String id = rule.path("id").isString() ? rule.path("id").asString() : "[" + i + "]";
        if (rule.isObject()) {
          for (Map.Entry<String, JsonNode> member : rule.properties()) {
            into.put("rules." + id + "." + member.getKey(), member.getValue());
          }
        } else {
          into.put("rules." + id, rule);
        }
      }
    } else if (node.isObject() && (prefix.isEmpty() || !node.isEmpty())) {
      for (Map.Entry<String, JsonNode> member : node.properties()) {
        flatten(
            member.getValue(),
            prefix.isEmpty() ? member.getKey() : prefix + "." + member.getKey(),
            into);
      }
    } else if (!node.isObject()) {
      into.put(prefix, node);
    }
  }

  private static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }
}
