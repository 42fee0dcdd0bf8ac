package dev.gantry.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * An example folder's YAML as this tier applies it, changed only where a laptop cluster differs
 * from a real one: each example goes to its own namespace (several use Gateway "web" in default),
 * Gateway listeners move to a port free on the proxies' loopback addresses, Services lose their
 * selector (no pods, no EndpointSlice controller) and EndpointSlices point at the tier's echo
 * servers (addressType FQDN: see {@link #rewrite}). The GatewayClass documents are left out: the
 * chart created "gantry" already.
 */
final class ExampleManifests {

  private static final YAMLMapper YAML = new YAMLMapper();

  private ExampleManifests() {}

  record Target(
      String namespace, int listenerPort, List<String> endpointAddresses, int endpointPort) {}

  /** Reads every *.yaml of {@code exampleDir}, rewrites it for {@code target}, writes one file. */
  static Path prepare(Path exampleDir, Target target, Path out) {
    List<ObjectNode> docs = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(exampleDir, "*.yaml")) {
      List<Path> sorted = new ArrayList<>();
      files.forEach(sorted::add);
      sorted.sort(null);
      for (Path f : sorted) {
        try (var parser = new YAMLFactory().createParser(f.toFile())) {
          Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
          while (it.hasNext()) {
            JsonNode n = it.next();
            if (n instanceof ObjectNode o && o.has("kind")) {
              docs.add(o);
            }
          }
        }
      }
      StringWriter text = new StringWriter();
      for (ObjectNode doc : docs) {
        if (rewrite(doc, target)) {
          text.append(YAML.writeValueAsString(doc));
        }
      }
      Files.writeString(out, text.toString());
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(exampleDir + ": " + e.getMessage(), e);
    }
  }

  /** False for documents this tier does not apply. */
  private static boolean rewrite(ObjectNode doc, Target t) {
    String kind = doc.path("kind").asText();
    if (kind.equals("GatewayClass")) {
      return false;
    }
    replaceDefaultNamespace(doc, t.namespace());
    switch (kind) {
      case "Gateway" -> {
        for (JsonNode l : doc.path("spec").path("listeners")) {
          ((ObjectNode) l).put("port", t.listenerPort());
        }
      }
      case "Service" -> ((ObjectNode) doc.path("spec")).remove("selector");
      case "EndpointSlice" -> {
        // The API server refuses loopback IPs in IPv4 slices ("may not be in the loopback
        // range"); as FQDN addresses the echo servers' 127.0.0.x literals pass validation, and the
        // proxy dials them like any host name.
        doc.put("addressType", "FQDN");
        for (JsonNode p : doc.path("ports")) {
          ((ObjectNode) p).put("port", t.endpointPort());
        }
        doc.set("endpoints", endpoints(t.endpointAddresses()));
      }
      default -> {}
    }
    return true;
  }

  /** EndpointSlice endpoints, each address ready and serving. */
  static ArrayNode endpoints(List<String> addresses) {
    ArrayNode list = YAML.createArrayNode();
    for (String a : addresses) {
      ObjectNode e = list.addObject();
      e.putArray("addresses").add(a);
      ObjectNode c = e.putObject("conditions");
      c.put("ready", true);
      c.put("serving", true);
      c.put("terminating", false);
    }
    return list;
  }

  /** metadata.namespace and every reference's namespace that said "default". */
  private static void replaceDefaultNamespace(JsonNode node, String ns) {
    if (node instanceof ObjectNode o) {
      JsonNode n = o.get("namespace");
      if (n != null && n.isTextual() && n.asText().equals("default")) {
        o.put("namespace", ns);
      }
      o.forEach(child -> replaceDefaultNamespace(child, ns));
    } else if (node instanceof ArrayNode a) {
      a.forEach(child -> replaceDefaultNamespace(child, ns));
    }
  }
}
