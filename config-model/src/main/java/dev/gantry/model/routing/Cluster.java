package dev.gantry.model.routing;

import dev.gantry.model.SourceRef;
import dev.gantry.model.Validator;
import dev.gantry.model.routing.backend.BackendPolicy;

/**
 * An upstream cluster: one Service port. Its endpoints travel in the endpoints part under the same
 * name.
 *
 * @param name stable id, e.g. {@code service/ns/name/8080}
 * @param source the Service (section = the Service port number)
 * @param protocol how to speak to the endpoints
 * @param policy balancing, health and overload settings; {@code null} = {@link
 *     BackendPolicy#DEFAULT}
 * @param tls TLS to the endpoints (BackendTLSPolicy); {@code null} = cleartext
 */
public record Cluster(
    String name, SourceRef source, AppProtocol protocol, BackendPolicy policy, BackendTls tls) {

  public Cluster {
    protocol = protocol == null ? AppProtocol.HTTP1 : protocol;
  }

  /** A cluster without backend TLS (the form before BackendTLSPolicy existed). */
  public Cluster(String name, SourceRef source, AppProtocol protocol, BackendPolicy policy) {
    this(name, source, protocol, policy, null);
  }

  /** A cluster with default backend settings. */
  public Cluster(String name, SourceRef source, AppProtocol protocol) {
    this(name, source, protocol, null);
  }

  /** The settings that apply: the policy, or the defaults when none targets the Service. */
  public BackendPolicy effectivePolicy() {
    return policy == null ? BackendPolicy.DEFAULT : policy;
  }

  public Cluster withPolicy(BackendPolicy p) {
    return new Cluster(name, source, protocol, p, tls);
  }

  public Cluster withTls(BackendTls t) {
    return new Cluster(name, source, protocol, policy, t);
  }

  public void validate(Validator v) {
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
    v.require(source != null, "source", source, "non-null");
    v.nested("policy", policy, c -> policy.validate(c));
    v.nested("tls", tls, c -> tls.validate(c));
  }
}
