package dev.gantry.model.routing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.gantry.model.ContentHash;
import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The routing part of a Gateway's snapshot: listeners → virtual hosts → route entries, the rules
 * they point to and the clusters those forward to. Versioned by its content hash, independently of
 * endpoints and secrets.
 */
public record RoutingConfig(
    String version,
    List<Listener> listeners,
    List<Rule> rules,
    List<Cluster> clusters,
    List<RateLimit> rateLimits) {

  public RoutingConfig {
    listeners = Lists.copy(listeners);
    rules = Lists.copy(rules);
    clusters = Lists.copy(clusters);
    rateLimits = Lists.copy(rateLimits);
  }

  /** A routing part without rate limits (the form before rate limits existed). */
  public RoutingConfig(
      String version, List<Listener> listeners, List<Rule> rules, List<Cluster> clusters) {
    this(version, listeners, rules, clusters, List.of());
  }

  /** Builds a routing part whose version is the hash of its content. */
  public static RoutingConfig of(
      List<Listener> listeners, List<Rule> rules, List<Cluster> clusters) {
    return of(listeners, rules, clusters, List.of());
  }

  /**
   * Builds a routing part with rate limits; empty lists are omitted from the canonical JSON, so a
   * part without rate limits hashes exactly as before they existed.
   */
  public static RoutingConfig of(
      List<Listener> listeners,
      List<Rule> rules,
      List<Cluster> clusters,
      List<RateLimit> rateLimits) {
    RoutingConfig unversioned = new RoutingConfig(null, listeners, rules, clusters, rateLimits);
    return new RoutingConfig(ContentHash.of(unversioned), listeners, rules, clusters, rateLimits);
  }

  /** The rate limit named {@code name}, or null. */
  public RateLimit rateLimit(String name) {
    for (RateLimit r : rateLimits) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    return null;
  }

  /**
   * The hash this part's content should have; differs from {@link #version()} only if it was
   * tampered with.
   */
  @JsonIgnore
  public String computedVersion() {
    return ContentHash.of(new RoutingConfig(null, listeners, rules, clusters, rateLimits));
  }

  public void validate(Validator v) {
    v.require(
        version != null && version.equals(computedVersion()),
        "version",
        version,
        "the content hash " + computedVersion());
    v.each("listeners", listeners, Listener::validate);
    v.each("rules", rules, Rule::validate);
    v.each("clusters", clusters, Cluster::validate);
    v.each("rateLimits", rateLimits, RateLimit::validate);
    Set<String> rateLimitNames =
        unique(v, "rateLimits", rateLimits.stream().map(RateLimit::name).toList());

    Set<String> ruleNames = unique(v, "rules", rules.stream().map(Rule::name).toList());
    Set<String> clusterNames = unique(v, "clusters", clusters.stream().map(Cluster::name).toList());
    Set<String> listenerNames =
        unique(v, "listeners", listeners.stream().map(Listener::name).toList());
    assert listenerNames != null;

    for (int l = 0; l < listeners.size(); l++) {
      Listener listener = listeners.get(l);
      checkPolicies(v.at("listeners", l), listener.policies(), rateLimitNames);
      for (int h = 0; h < listener.virtualHosts().size(); h++) {
        VirtualHost vh = listener.virtualHosts().get(h);
        for (int r = 0; r < vh.routes().size(); r++) {
          RouteEntry e = vh.routes().get(r);
          if (e.rule() != null && !ruleNames.contains(e.rule())) {
            v.at("listeners", l)
                .at("virtualHosts", h)
                .at("routes", r)
                .fail("rule", e.rule(), "the name of a rule in rules");
          }
        }
      }
    }
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      checkPolicies(v.at("rules", i), rule.policies(), rateLimitNames);
      for (int b = 0; b < rule.backends().size(); b++) {
        String c = rule.backends().get(b).cluster();
        if (c != null && !clusterNames.contains(c)) {
          v.at("rules", i)
              .at("backends", b)
              .fail("cluster", c, "the name of a cluster in clusters");
        }
      }
      for (int f = 0; f < rule.filters().size(); f++) {
        if (rule.filters().get(f) instanceof dev.gantry.model.routing.filter.RequestMirror m
            && !clusterNames.contains(m.cluster())) {
          v.at("rules", i)
              .at("filters", f)
              .fail("cluster", m.cluster(), "the name of a cluster in clusters");
        }
      }
    }
  }

  private static void checkPolicies(Validator v, List<PolicyRef> refs, Set<String> rateLimits) {
    for (int p = 0; p < refs.size(); p++) {
      PolicyRef ref = refs.get(p);
      if (ref != null
          && RateLimit.KIND.equals(ref.kind())
          && ref.name() != null
          && !rateLimits.contains(ref.name())) {
        v.at("policies", p).fail("name", ref.name(), "the name of a rate limit in rateLimits");
      }
    }
  }

  private static Set<String> unique(Validator v, String field, List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (n != null && !seen.add(n)) {
        v.fail(field, n, "unique names");
      }
    }
    return seen;
  }
}
