package io.fraudpipeline.localstack.deploy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** compose.yaml, parsed, with the look-ups the consistency tests share. */
final class ComposeServices {

  static final String FILE = "compose.yaml";

  private final JsonNode root;

  private ComposeServices(JsonNode root) {
    this.root = root;
  }

  static ComposeServices load() {
    return new ComposeServices(RepositoryFiles.yaml(FILE));
  }

  JsonNode root() {
    return root;
  }

  List<String> names() {
    return new ArrayList<>(root.path("services").propertyNames());
  }

  JsonNode service(String name) {
    JsonNode service = root.path("services").path(name);
    if (service.isMissingNode()) {
      throw new AssertionError(FILE + " has no service " + name);
    }
    return service;
  }

  /** An environment variable of a service (map syntax), or null. */
  String env(String service, String variable) {
    JsonNode value = service(service).path("environment").path(variable);
    return value.isMissingNode() ? null : value.asString();
  }

  /** Container ports a service publishes on the host ("host:container" entries). */
  List<Integer> publishedContainerPorts(String service) {
    List<Integer> ports = new ArrayList<>();
    for (JsonNode port : service(service).path("ports")) {
      String[] parts = port.asString().split(":");
      ports.add(Integer.parseInt(parts[parts.length - 1]));
    }
    return ports;
  }

  /** Volume entries ("source:target[:mode]") of a service. */
  List<String[]> volumes(String service) {
    List<String[]> volumes = new ArrayList<>();
    for (JsonNode volume : service(service).path("volumes")) {
      volumes.add(volume.asString().split(":"));
    }
    return volumes;
  }

  static URI uri(String value) {
    return URI.create(value);
  }
}
