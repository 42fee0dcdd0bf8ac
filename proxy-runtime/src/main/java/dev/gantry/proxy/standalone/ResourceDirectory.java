package dev.gantry.proxy.standalone;

import dev.gantry.translator.yaml.ResourceYaml;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads every {@code .yaml}/{@code .yml} file under a folder (any nesting, multi-document files)
 * into the objects a cluster would hold.
 *
 * <p>Metadata the user wrote is kept as written, because {@code creationTimestamp} and {@code
 * generation} decide route precedence and {@code observedGeneration}. What a cluster would have
 * filled in is filled in deterministically: {@code generation} 1, {@code creationTimestamp} = when
 * this process first saw the object (kept across reloads, so editing a file never reorders routes),
 * namespace {@code default} for namespaced kinds, and a Namespace object with the {@code
 * kubernetes.io/metadata.name} label for every namespace that is used but not declared (the API
 * server labels every namespace that way, and listener selectors rely on it).
 */
public final class ResourceDirectory {

  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(ResourceDirectory.class.getName());
  private static final Set<String> CLUSTER_SCOPED = Set.of("GatewayClass", "Namespace");
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private final Path root;
  private final Clock clock;
  private final Map<String, String> firstSeen = new HashMap<>();

  public ResourceDirectory(Path root, Clock clock) {
    this.root = root;
    this.clock = clock;
  }

  public Path root() {
    return root;
  }

  /**
   * Reads the folder now. Never throws for bad content: problems are returned as errors naming file
   * and field.
   */
  public synchronized LoadedResources load() {
    List<String> errors = new ArrayList<>();
    List<Path> files;
    try {
      files = yamlFiles(root);
    } catch (IOException e) {
      return new LoadedResources(
          List.of(), List.of(root + ": " + e.getMessage() + " (expected: a readable folder)"));
    }
    Map<String, HasMetadata> byKey = new LinkedHashMap<>();
    Map<String, String> origin = new HashMap<>();
    for (Path file : files) {
      String name = root.relativize(file).toString();
      String content;
      try {
        content = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        errors.add(name + ": " + e.getMessage() + " (expected: a readable UTF-8 file)");
        continue;
      }
      ResourceYaml.Result parsed = ResourceYaml.parse(name, content);
      errors.addAll(parsed.errors());
      parsed.skipped().forEach(s -> LOG.fine(s));
      for (HasMetadata o : parsed.objects()) {
        fillDefaults(o);
        String key = key(o);
        HasMetadata previous = byKey.putIfAbsent(key, o);
        if (previous != null) {
          errors.add(
              name
                  + ": "
                  + key
                  + " (expected: each object defined once; also in "
                  + origin.get(key)
                  + ")");
        } else {
          origin.put(key, name);
        }
      }
    }
    List<HasMetadata> objects = new ArrayList<>(byKey.values());
    addImplicitNamespaces(objects);
    return new LoadedResources(objects, errors);
  }

  private static List<Path> yamlFiles(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException("not a directory");
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !isHidden(root.relativize(p)))
          .filter(
              p ->
                  p.getFileName().toString().endsWith(".yaml")
                      || p.getFileName().toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
  }

  /** Editors' swap files and dot-folders (.git) are not configuration. */
  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private void fillDefaults(HasMetadata o) {
    ObjectMeta meta = o.getMetadata();
    if (meta == null) {
      meta = new ObjectMeta();
      o.setMetadata(meta);
    }
    if (!CLUSTER_SCOPED.contains(o.getKind())
        && (meta.getNamespace() == null || meta.getNamespace().isEmpty())) {
      meta.setNamespace("default");
    }
    if (meta.getGeneration() == null) {
      meta.setGeneration(1L);
    }
    if (meta.getCreationTimestamp() == null) {
      meta.setCreationTimestamp(firstSeen.computeIfAbsent(key(o), k -> now()));
    }
    if ("Namespace".equals(o.getKind())) {
      Map<String, String> labels =
          meta.getLabels() == null ? new HashMap<>() : new HashMap<>(meta.getLabels());
      labels.putIfAbsent(NAMESPACE_NAME_LABEL, meta.getName());
      meta.setLabels(labels);
    }
  }

  private void addImplicitNamespaces(List<HasMetadata> objects) {
    Set<String> declared = new TreeSet<>();
    Set<String> used = new TreeSet<>();
    for (HasMetadata o : objects) {
      if (o instanceof Namespace) {
        declared.add(o.getMetadata().getName());
      } else if (o.getMetadata().getNamespace() != null) {
        used.add(o.getMetadata().getNamespace());
      }
    }
    used.removeAll(declared);
    for (String ns : used) {
      Namespace n =
          new NamespaceBuilder()
              .withNewMetadata()
              .withName(ns)
              .withGeneration(1L)
              .withCreationTimestamp(firstSeen.computeIfAbsent("Namespace//" + ns, k -> now()))
              .addToLabels(NAMESPACE_NAME_LABEL, ns)
              .endMetadata()
              .build();
      objects.add(n);
    }
  }

  private String now() {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
  }

  static String key(HasMetadata o) {
    String ns = o.getMetadata().getNamespace();
    return o.getKind() + "/" + (ns == null ? "" : ns) + "/" + o.getMetadata().getName();
  }
}
