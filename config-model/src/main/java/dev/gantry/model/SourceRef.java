package dev.gantry.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Back-pointer from a config node to the Kubernetes object it came from, so that a proxy error, a
 * metric label or a status message can always name what the user wrote.
 *
 * @param kind the object kind, e.g. {@code HTTPRoute}
 * @param namespace the namespace, or {@code null} for cluster-scoped kinds
 * @param name the object name
 * @param section a part of the object (listener name, rule name or index, port name), or {@code
 *     null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceRef(String kind, String namespace, String name, String section) {

  public static SourceRef of(String kind, String namespace, String name) {
    return new SourceRef(kind, namespace, name, null);
  }

  public SourceRef withSection(String newSection) {
    return new SourceRef(kind, namespace, name, newSection);
  }

  void validate(Validator v) {
    v.require(kind != null && !kind.isEmpty(), "kind", kind, "non-empty");
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
  }

  /** {@code Kind/namespace/name[#section]}, the form used in logs and messages. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(kind).append('/');
    if (namespace != null) {
      sb.append(namespace).append('/');
    }
    sb.append(name);
    if (section != null) {
      sb.append('#').append(section);
    }
    return sb.toString();
  }
}
