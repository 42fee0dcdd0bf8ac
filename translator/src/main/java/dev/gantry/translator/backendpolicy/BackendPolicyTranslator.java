package dev.gantry.translator.backendpolicy;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.SourceRef;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.translator.policy.PolicyAncestors;
import dev.gantry.translator.policy.PolicyAncestors.Outcome;
import dev.gantry.translator.support.Names;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * GEP-713 attachment of BackendPolicies to Services: resolves each targetRef (a Service in the
 * policy's namespace, optionally one port by name), settles conflicts, sets the policy on every
 * {@link Cluster} of the targeted Service port(s) in every Gateway snapshot, and computes {@code
 * status.ancestors}.
 *
 * <p>The ancestors of a backend policy are the Gateways whose configuration uses the Service (the
 * Gateway API's rule for BackendTLSPolicy): a Service no Gantry Gateway routes to gets no entry,
 * since nothing has accepted the policy there. A Service that does not exist gets an entry with the
 * Service itself as ancestorRef ({@code TargetNotFound}), as a missing RateLimitPolicy target does.
 *
 * <p>Conflicts are per Service port: when a target covers a port an older policy
 * (creationTimestamp, then namespace/name) already holds, the whole target is {@code Conflicted}
 * and applies nowhere (the merge strategy "None" of GEP-713), so a cluster never mixes the settings
 * of two policies.
 */
public final class BackendPolicyTranslator {

  private final BackendPolicyValidator validator = new BackendPolicyValidator();

  /** The name of a policy in conflict messages: {@code backendpolicy/<ns>/<name>}. */
  static String modelName(BackendPolicy p) {
    return "backendpolicy/" + p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  /** A claimed Service port: the policy that holds it and its model form. */
  private record Claim(String holder, dev.gantry.model.routing.backend.BackendPolicy policy) {}

  /**
   * Sets the accepted policies on the clusters in {@code snapshots} (replacing each affected
   * snapshot) and returns every policy with its computed status, sorted by namespace/name.
   */
  public List<BackendPolicy> translate(
      List<BackendPolicy> policies,
      List<Service> services,
      SortedMap<String, GatewaySnapshot> snapshots,
      Instant now) {
    if (policies.isEmpty()) {
      return List.of();
    }
    Map<String, Service> servicesByKey = new HashMap<>();
    for (Service s : services) {
      servicesByKey.put(Names.key(s), s);
    }
    // "ns/name/port" of every cluster → the Gateways whose snapshot has it.
    Map<String, Set<String>> usedBy = new HashMap<>();
    snapshots.forEach(
        (gw, s) -> {
          for (Cluster c : s.routing().clusters()) {
            String port = servicePortKey(c.source());
            if (port != null) {
              usedBy.computeIfAbsent(port, k -> new TreeSet<>()).add(gw);
            }
          }
        });

    List<BackendPolicy> ordered = new ArrayList<>(policies);
    ordered.sort(PolicyAncestors.ESTABLISHED_FIRST);
    Map<String, Claim> claims = new HashMap<>();
    Map<BackendPolicy, List<Outcome>> outcomes = new LinkedHashMap<>();
    Map<BackendPolicy, List<String>> invalid = new HashMap<>();
    // Targets on a Service no Gantry Gateway routes to: nothing has accepted the policy there, so a
    // valid policy gets no entry for them (an Invalid one still reports on them).
    Set<Outcome> unused = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (BackendPolicy policy : ordered) {
      BackendPolicyValidator.Result valid = validator.validate(policy);
      String ns = policy.getMetadata().getNamespace();
      List<LocalPolicyTargetReferenceWithSectionName> refs =
          policy.getSpec() == null || policy.getSpec().targetRefs() == null
              ? List.of()
              : policy.getSpec().targetRefs();
      List<Outcome> results = new ArrayList<>();
      for (int t = 0; t < refs.size(); t++) {
        LocalPolicyTargetReferenceWithSectionName ref = refs.get(t);
        String at = "spec.targetRefs[" + t + "]";
        if (!"Service".equals(ref.getKind())
            || !Names.orEmpty(ref.getGroup()).isEmpty()
            || ref.getName() == null) {
          // The validator reports the wrong group or kind: the policy is Invalid.
          results.add(Outcome.attached(ref, List.of()));
          continue;
        }
        String serviceKey = ns + "/" + ref.getName();
        Service service = servicesByKey.get(serviceKey);
        if (service == null) {
          results.add(
              PolicyAncestors.notFound(
                  ref, List.of(), at, "Service " + serviceKey, "an existing Service"));
          continue;
        }
        List<String> allPorts = ports(service, null);
        List<String> ports = ports(service, ref.getSectionName());
        if (ports.isEmpty()) {
          results.add(
              PolicyAncestors.notFound(
                  ref,
                  ancestors(usedBy, serviceKey, allPorts),
                  at + ".sectionName",
                  ref.getSectionName(),
                  "the name of a port of Service " + serviceKey));
          continue;
        }
        Outcome o = Outcome.attached(ref, ancestors(usedBy, serviceKey, ports));
        if (o.ancestors().isEmpty()) {
          unused.add(o);
        }
        if (valid.policy() != null) {
          String holder = null;
          for (String port : ports) {
            Claim c = claims.get(serviceKey + "/" + port);
            if (c != null && !c.holder().equals(modelName(policy))) {
              holder = c.holder();
              break;
            }
          }
          if (holder != null) {
            String target =
                "Service/"
                    + serviceKey
                    + (Names.orEmpty(ref.getSectionName()).isEmpty()
                        ? ""
                        : "/" + ref.getSectionName());
            o = o.conflicted(t, target, holder);
          } else {
            for (String port : ports) {
              claims.put(serviceKey + "/" + port, new Claim(modelName(policy), valid.policy()));
            }
          }
        }
        results.add(o);
      }
      outcomes.put(policy, results);
      if (valid.policy() == null) {
        invalid.put(policy, valid.errors());
      }
    }

    for (Map.Entry<String, GatewaySnapshot> e : new TreeMap<>(snapshots).entrySet()) {
      GatewaySnapshot withPolicies = withPolicies(e.getValue(), claims);
      if (withPolicies != e.getValue()) {
        snapshots.put(e.getKey(), withPolicies);
      }
    }
    List<BackendPolicy> out = new ArrayList<>();
    for (var e : outcomes.entrySet()) {
      List<String> problems = invalid.get(e.getKey());
      List<Outcome> reported =
          problems != null
              ? e.getValue()
              : e.getValue().stream().filter(o -> !unused.contains(o)).toList();
      out.add(withStatus(e.getKey(), reported, problems, now));
    }
    out.sort(PolicyAncestors.BY_NAMESPACE_AND_NAME);
    return out;
  }

  /** {@code ns/name/port} of a cluster built from a Service port, else null. */
  private static String servicePortKey(SourceRef source) {
    if (source == null || !"Service".equals(source.kind()) || source.section() == null) {
      return null;
    }
    return source.namespace() + "/" + source.name() + "/" + source.section();
  }

  /** Port numbers (as strings, the clusters' section) of the Service, or of its port named so. */
  private static List<String> ports(Service service, String sectionName) {
    List<String> out = new ArrayList<>();
    if (service.getSpec() == null || service.getSpec().getPorts() == null) {
      return out;
    }
    for (ServicePort p : service.getSpec().getPorts()) {
      boolean wanted =
          sectionName == null || sectionName.isEmpty() || sectionName.equals(p.getName());
      if (wanted && p.getPort() != null) {
        out.add(String.valueOf(p.getPort()));
      }
    }
    return out;
  }

  private static List<String> ancestors(
      Map<String, Set<String>> usedBy, String serviceKey, List<String> ports) {
    Set<String> out = new TreeSet<>();
    for (String port : ports) {
      out.addAll(usedBy.getOrDefault(serviceKey + "/" + port, Set.of()));
    }
    return List.copyOf(out);
  }

  /** The snapshot with the claimed policies on its clusters; the same instance if none applies. */
  private static GatewaySnapshot withPolicies(GatewaySnapshot s, Map<String, Claim> claims) {
    RoutingConfig routing = s.routing();
    List<Cluster> clusters = new ArrayList<>();
    boolean changed = false;
    for (Cluster c : routing.clusters()) {
      String port = servicePortKey(c.source());
      Claim claim = port == null ? null : claims.get(port);
      if (claim != null) {
        clusters.add(c.withPolicy(claim.policy()));
        changed = true;
      } else {
        clusters.add(c);
      }
    }
    if (!changed) {
      return s;
    }
    RoutingConfig next =
        RoutingConfig.of(routing.listeners(), routing.rules(), clusters, routing.rateLimits());
    return GatewaySnapshot.of(s.gateway(), next, s.endpoints(), s.secrets());
  }

  private static BackendPolicy withStatus(
      BackendPolicy policy, List<Outcome> outcomes, List<String> invalid, Instant now) {
    BackendPolicy copy = new BackendPolicy();
    copy.setApiVersion(policy.getApiVersion());
    copy.setKind(policy.getKind());
    copy.setMetadata(policy.getMetadata());
    copy.setSpec(policy.getSpec());
    copy.setStatus(
        PolicyAncestors.status(policy, policy.getStatus(), outcomes, invalid, now, Set.of()));
    return copy;
  }
}
