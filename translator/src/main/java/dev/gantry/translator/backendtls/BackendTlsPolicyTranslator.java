package dev.gantry.translator.backendtls;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.SourceRef;
import dev.gantry.model.routing.BackendTls;
import dev.gantry.model.routing.BackendTls.SubjectAltName;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.secrets.CaBundle;
import dev.gantry.model.secrets.SecretsConfig;
import dev.gantry.translator.policy.PolicyAncestors;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.support.CaCertificateResolver;
import dev.gantry.translator.support.InvalidValueException;
import dev.gantry.translator.support.Names;
import dev.gantry.translator.support.ResourceIndex;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicyBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicyValidation;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * BackendTLSPolicy → {@link BackendTls} on the clusters of the targeted Services, in every Gateway
 * snapshot that routes to them, plus the policy's {@code status.ancestors} (one entry per such
 * Gateway, with {@code Accepted} and {@code ResolvedRefs}).
 *
 * <p>Rules, from the v1 CRD: a targetRef names a core Service, optionally one port by name ({@code
 * sectionName}); two policies on the same target and section → the older (then namespace/name)
 * wins, the other is {@code Accepted=False/Conflicted}; a section-specific policy is more specific
 * than a whole-Service one and wins for its port. CA references resolve in the policy's namespace
 * (ConfigMap Core, Secret implementation-specific, key {@code ca.crt}); a bad one sets {@code
 * ResolvedRefs=False/InvalidCACertificateRef} (or {@code InvalidKind}) and, when none is usable,
 * {@code Accepted=False/NoValidCACertificate}. Such a policy still applies, with no trust anchor,
 * because the spec requires requests to those backends to fail with a 5xx rather than go out
 * unverified. {@code wellKnownCACertificates: System} uses the JVM's CA set; any other value is
 * {@code Accepted=False/Invalid}.
 *
 * <p>Runs after the (cached) snapshots are assembled, so a policy change never invalidates route
 * translations. Fabric8 7.5.2 models BackendTLSPolicy v1 fully, so nothing is read from additional
 * properties.
 */
public final class BackendTlsPolicyTranslator {

  public static final String WELL_KNOWN_SYSTEM = "System";

  private static final Comparator<BackendTLSPolicy> ESTABLISHED_FIRST =
      Comparator.comparing(
              (BackendTLSPolicy p) -> Names.orEmpty(p.getMetadata().getCreationTimestamp()))
          .thenComparing(p -> p.getMetadata().getNamespace())
          .thenComparing(p -> p.getMetadata().getName());

  private final ResourceIndex index;
  private final CaCertificateResolver cas;

  public BackendTlsPolicyTranslator(ResourceIndex index) {
    this.index = index;
    this.cas = new CaCertificateResolver(index);
  }

  /** What a policy's spec resolves to, independent of its targets. */
  private record Resolved(
      BackendTls tls,
      List<CaBundle> bundles,
      String acceptedReason,
      String acceptedMessage,
      String refsReason,
      String refsMessage) {}

  /** One targetRef's fate; {@code key} = ns/service/section ("" = the whole Service). */
  private record Target(String key, String serviceKey, String reason, String message) {}

  /**
   * Applies the policies to {@code snapshots} (replacing each affected snapshot) and returns every
   * policy with its computed status, sorted by namespace/name.
   */
  public List<BackendTLSPolicy> translate(
      List<BackendTLSPolicy> policies, SortedMap<String, GatewaySnapshot> snapshots, Instant now) {
    List<BackendTLSPolicy> ordered = new ArrayList<>(policies);
    ordered.sort(ESTABLISHED_FIRST);
    Map<String, BackendTLSPolicy> claims = new HashMap<>();
    Map<BackendTLSPolicy, Resolved> resolved = new HashMap<>();
    Map<BackendTLSPolicy, List<Target>> targets = new LinkedHashMap<>();
    for (BackendTLSPolicy p : ordered) {
      Resolved r = resolve(p);
      resolved.put(p, r);
      List<Target> ts = new ArrayList<>();
      List<LocalPolicyTargetReferenceWithSectionName> refs =
          p.getSpec() == null || p.getSpec().getTargetRefs() == null
              ? List.of()
              : p.getSpec().getTargetRefs();
      for (int i = 0; i < refs.size(); i++) {
        Target t = target(p, refs.get(i), i);
        if (t.reason() == null) {
          BackendTLSPolicy winner = claims.putIfAbsent(t.key(), p);
          if (winner != null && winner != p) {
            t =
                new Target(
                    t.key(),
                    t.serviceKey(),
                    Conditions.REASON_CONFLICTED,
                    "spec.targetRefs["
                        + i
                        + "]: "
                        + t.key()
                        + " (expected: a target no older BackendTLSPolicy selects; "
                        + winner.getMetadata().getNamespace()
                        + "/"
                        + winner.getMetadata().getName()
                        + " does)");
          }
        }
        ts.add(t);
      }
      targets.put(p, ts);
    }

    // Apply to clusters; remember which Gateways each policy reaches.
    Map<BackendTLSPolicy, Set<String>> ancestors = new HashMap<>();
    Map<String, Set<String>> gatewaysByService = new HashMap<>();
    for (Map.Entry<String, GatewaySnapshot> e : new ArrayList<>(snapshots.entrySet())) {
      GatewaySnapshot s = e.getValue();
      List<Cluster> clusters = new ArrayList<>();
      Map<String, CaBundle> bundles = new TreeMap<>();
      s.secrets().caBundles().forEach(b -> bundles.put(b.name(), b));
      boolean changed = false;
      for (Cluster c : s.routing().clusters()) {
        SourceRef src = c.source();
        if (src == null || !"Service".equals(src.kind())) {
          clusters.add(c);
          continue;
        }
        String serviceKey = src.namespace() + "/" + src.name();
        gatewaysByService.computeIfAbsent(serviceKey, k -> new LinkedHashSet<>()).add(e.getKey());
        String portName = portName(src);
        BackendTLSPolicy p = portName == null ? null : claims.get(serviceKey + "/" + portName);
        if (p == null) {
          p = claims.get(serviceKey + "/");
        }
        if (p == null) {
          clusters.add(c);
          continue;
        }
        Resolved r = resolved.get(p);
        clusters.add(c.withTls(r.tls()));
        r.bundles().forEach(b -> bundles.put(b.name(), b));
        ancestors.computeIfAbsent(p, k -> new LinkedHashSet<>()).add(e.getKey());
        changed = true;
      }
      if (changed) {
        RoutingConfig routing = s.routing();
        snapshots.put(
            e.getKey(),
            GatewaySnapshot.of(
                s.gateway(),
                RoutingConfig.of(
                    routing.listeners(), routing.rules(), clusters, routing.rateLimits()),
                s.endpoints(),
                SecretsConfig.of(s.secrets().certificates(), new ArrayList<>(bundles.values()))));
      }
    }

    List<BackendTLSPolicy> out = new ArrayList<>();
    for (BackendTLSPolicy p : ordered) {
      out.add(
          withStatus(
              p,
              resolved.get(p),
              targets.get(p),
              ancestors.getOrDefault(p, Set.of()),
              gatewaysByService,
              now));
    }
    out.sort(
        Comparator.comparing((BackendTLSPolicy p) -> p.getMetadata().getNamespace())
            .thenComparing(p -> p.getMetadata().getName()));
    return out;
  }

  /** The Service port name of a cluster's source (section = the port number), or null. */
  private String portName(SourceRef src) {
    Service svc = index.service(src.namespace(), src.name());
    if (svc == null || svc.getSpec() == null || svc.getSpec().getPorts() == null) {
      return null;
    }
    for (ServicePort port : svc.getSpec().getPorts()) {
      if (port.getPort() != null
          && String.valueOf(port.getPort()).equals(src.section())
          && port.getName() != null
          && !port.getName().isEmpty()) {
        return port.getName();
      }
    }
    return null;
  }

  private Target target(BackendTLSPolicy p, LocalPolicyTargetReferenceWithSectionName ref, int i) {
    String ns = p.getMetadata().getNamespace();
    String field = "spec.targetRefs[" + i + "]";
    String serviceKey = ns + "/" + ref.getName();
    String section = Names.orEmpty(ref.getSectionName());
    String key = serviceKey + "/" + section;
    if (!Names.orEmpty(ref.getGroup()).isEmpty() || !"Service".equals(ref.getKind())) {
      return new Target(
          key,
          serviceKey,
          Conditions.REASON_TARGET_NOT_FOUND,
          field
              + ": group \""
              + Names.orEmpty(ref.getGroup())
              + "\" kind "
              + ref.getKind()
              + " (expected: a core Service)");
    }
    Service svc = index.service(ns, ref.getName());
    if (svc == null) {
      return new Target(
          key,
          serviceKey,
          Conditions.REASON_TARGET_NOT_FOUND,
          field + ": Service " + serviceKey + " (expected: an existing Service)");
    }
    if (!section.isEmpty()) {
      boolean found =
          svc.getSpec() != null
              && svc.getSpec().getPorts() != null
              && svc.getSpec().getPorts().stream().anyMatch(sp -> section.equals(sp.getName()));
      if (!found) {
        return new Target(
            key,
            serviceKey,
            Conditions.REASON_TARGET_NOT_FOUND,
            field
                + ".sectionName: "
                + section
                + " (expected: the name of a port of Service "
                + serviceKey
                + ")");
      }
    }
    return new Target(key, serviceKey, null, null);
  }

  private Resolved resolve(BackendTLSPolicy p) {
    String ns = p.getMetadata().getNamespace();
    SourceRef source = SourceRef.of("BackendTLSPolicy", ns, p.getMetadata().getName());
    BackendTLSPolicyValidation v = p.getSpec() == null ? null : p.getSpec().getValidation();
    String hostname = v == null ? null : v.getHostname();
    if (v == null || hostname == null || hostname.isEmpty() || hostname.contains("*")) {
      // Without a usable hostname there is nothing to send as SNI or to check; the backend still
      // gets TLS that trusts nothing, so requests fail instead of going out unverified.
      return new Resolved(
          new BackendTls(source, "invalid.invalid", List.of(), false, List.of()),
          List.of(),
          Conditions.REASON_INVALID,
          "spec.validation.hostname: " + hostname + " (expected: a DNS name without wildcard)",
          null,
          null);
    }
    List<SubjectAltName> sans = new ArrayList<>();
    if (v.getSubjectAltNames() != null) {
      for (var san : v.getSubjectAltNames()) {
        if ("URI".equals(san.getType()) && san.getUri() != null) {
          sans.add(new SubjectAltName(SubjectAltName.Type.URI, san.getUri()));
        } else if ("Hostname".equals(san.getType()) && san.getHostname() != null) {
          sans.add(new SubjectAltName(SubjectAltName.Type.HOSTNAME, san.getHostname()));
        }
      }
    }
    String wellKnown = Names.orEmpty(v.getWellKnownCACertificates());
    List<LocalObjectReference> refs =
        v.getCaCertificateRefs() == null ? List.of() : v.getCaCertificateRefs();
    if (!wellKnown.isEmpty()) {
      boolean system = WELL_KNOWN_SYSTEM.equals(wellKnown) && refs.isEmpty();
      return new Resolved(
          new BackendTls(source, hostname, List.of(), system, sans),
          List.of(),
          system ? null : Conditions.REASON_INVALID,
          system
              ? null
              : "spec.validation.wellKnownCACertificates: "
                  + wellKnown
                  + " (expected: System, and no caCertificateRefs with it)",
          null,
          null);
    }
    List<CaBundle> bundles = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    String refsReason = null;
    for (int i = 0; i < refs.size(); i++) {
      LocalObjectReference ref = refs.get(i);
      try {
        CaBundle b =
            cas.resolve(
                "spec.validation.caCertificateRefs[" + i + "]",
                ref.getGroup(),
                ref.getKind(),
                ns,
                ref.getName(),
                Conditions.REASON_INVALID_KIND);
        if (bundles.stream().noneMatch(x -> x.name().equals(b.name()))) {
          bundles.add(b);
        }
      } catch (InvalidValueException e) {
        refsReason = refsReason == null ? e.reason() : refsReason;
        problems.add(e.getMessage());
      }
    }
    BackendTls tls =
        new BackendTls(
            source, hostname, bundles.stream().map(CaBundle::name).toList(), false, sans);
    String acceptedReason = null;
    String acceptedMessage = null;
    if (bundles.isEmpty()) {
      acceptedReason = Conditions.REASON_NO_VALID_CA_CERTIFICATE;
      acceptedMessage =
          refs.isEmpty()
              ? "spec.validation: no caCertificateRefs (expected: caCertificateRefs or"
                  + " wellKnownCACertificates)"
              : "spec.validation.caCertificateRefs: none usable (expected: at least one valid CA"
                  + " certificate reference)";
    }
    return new Resolved(
        tls,
        bundles,
        acceptedReason,
        acceptedMessage,
        refsReason,
        problems.isEmpty() ? null : String.join("; ", problems));
  }

  private static BackendTLSPolicy withStatus(
      BackendTLSPolicy policy,
      Resolved r,
      List<Target> targets,
      Set<String> applied,
      Map<String, Set<String>> gatewaysByService,
      Instant now) {
    // Ancestors: the Gateways whose traffic the policy governs (or would, when it lost a
    // conflict); a target that does not exist gets an entry of its own so the user sees why.
    Map<String, ParentReference> refs = new LinkedHashMap<>();
    Map<String, List<Target>> byAncestor = new LinkedHashMap<>();
    String ns = policy.getMetadata().getNamespace();
    for (Target t : targets) {
      Set<String> gws = new LinkedHashSet<>();
      if (t.reason() == null) {
        gws.addAll(applied);
      } else if (!Conditions.REASON_TARGET_NOT_FOUND.equals(t.reason())) {
        gws.addAll(gatewaysByService.getOrDefault(t.serviceKey(), Set.of()));
      }
      if (gws.isEmpty() && t.reason() != null) {
        String key = "Service/" + t.serviceKey();
        refs.putIfAbsent(
            key,
            new ParentReferenceBuilder()
                .withGroup("")
                .withKind("Service")
                .withNamespace(ns)
                .withName(t.serviceKey().substring(ns.length() + 1))
                .build());
        byAncestor.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
      }
      for (String gw : new java.util.TreeSet<>(gws)) {
        String[] parts = gw.split("/", 2);
        refs.putIfAbsent(
            gw,
            new ParentReferenceBuilder()
                .withGroup(Names.GATEWAY_GROUP)
                .withKind("Gateway")
                .withNamespace(parts[0])
                .withName(parts[1])
                .build());
        byAncestor.computeIfAbsent(gw, k -> new ArrayList<>()).add(t);
      }
    }
    PolicyStatus status =
        PolicyAncestors.write(
            policy,
            policy.getStatus(),
            refs,
            byAncestor,
            now,
            (cb, group, before) -> {
              Target worst =
                  group.stream().filter(t -> t.reason() != null).findFirst().orElse(null);
              if (worst != null) {
                cb.set(Conditions.ACCEPTED, false, worst.reason(), worst.message());
              } else if (r.acceptedReason() != null) {
                cb.set(Conditions.ACCEPTED, false, r.acceptedReason(), r.acceptedMessage());
              } else {
                cb.set(Conditions.ACCEPTED, true, Conditions.REASON_ACCEPTED, "Policy is accepted");
              }
              if (r.refsReason() != null) {
                cb.set(Conditions.RESOLVED_REFS, false, r.refsReason(), r.refsMessage());
              } else {
                cb.set(
                    Conditions.RESOLVED_REFS,
                    true,
                    Conditions.REASON_RESOLVED_REFS,
                    "CA certificate references resolved");
              }
            });
    return new BackendTLSPolicyBuilder(policy).withStatus(status).build();
  }
}
