package dev.gantry.model.routing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.gantry.model.Lists;
import dev.gantry.model.SourceRef;
import dev.gantry.model.Validator;
import dev.gantry.model.routing.backend.SessionPersistence;
import dev.gantry.model.routing.filter.Filter;
import dev.gantry.model.routing.filter.RequestRedirect;
import java.util.List;

/**
 * What happens to a request that matched: filters in order, then a redirect, a direct response or a
 * weighted choice of backends.
 *
 * @param name stable id, e.g. {@code httproute/ns/name/rule/0}
 * @param source the HTTPRoute (section = rule name or index)
 * @param filters rule-level filters in list order
 * @param backends weighted backends; the share of invalid ones gets their {@code errorStatus}
 * @param directResponseStatus when set, the request is answered with this status and never
 *     forwarded (500 for a rule without backendRefs, or whose backends all have weight 0)
 * @param timeouts request and per-attempt timeouts, or {@code null}
 * @param retry the retry policy, or {@code null}
 * @param policies policies that apply to this rule
 * @param sessionPersistence Gateway API session persistence, or {@code null}
 */
public record Rule(
    String name,
    SourceRef source,
    List<Filter> filters,
    List<Backend> backends,
    Integer directResponseStatus,
    Timeouts timeouts,
    RetryPolicy retry,
    List<PolicyRef> policies,
    SessionPersistence sessionPersistence) {

  /** A rule without session persistence. */
  public Rule(
      String name,
      SourceRef source,
      List<Filter> filters,
      List<Backend> backends,
      Integer directResponseStatus,
      Timeouts timeouts,
      RetryPolicy retry,
      List<PolicyRef> policies) {
    this(name, source, filters, backends, directResponseStatus, timeouts, retry, policies, null);
  }

  public Rule {
    filters = Lists.copy(filters);
    backends = Lists.copy(backends);
    policies = Lists.copy(policies);
  }

  /** This rule with {@code refs} as its policies. */
  public Rule withPolicies(List<PolicyRef> refs) {
    return new Rule(
        name,
        source,
        filters,
        backends,
        directResponseStatus,
        timeouts,
        retry,
        refs,
        sessionPersistence);
  }

  /** True when the rule answers with a redirect instead of forwarding. */
  @JsonIgnore
  public boolean isRedirect() {
    return filters.stream().anyMatch(f -> f instanceof RequestRedirect);
  }

  public void validate(Validator v) {
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
    v.require(source != null, "source", source, "non-null");
    v.each("filters", filters, Filter::validate);
    v.each("backends", backends, Backend::validate);
    if (directResponseStatus != null) {
      v.require(
          directResponseStatus >= 200 && directResponseStatus <= 599,
          "directResponseStatus",
          directResponseStatus,
          "200..599");
    }
    v.require(
        isRedirect() || directResponseStatus != null || !backends.isEmpty(),
        "backends",
        backends,
        "at least one backend, a redirect or a directResponseStatus");
    v.nested("timeouts", timeouts, tv -> timeouts.validate(tv));
    v.nested("retry", retry, rv -> retry.validate(rv));
    v.each("policies", policies, PolicyRef::validate);
    v.nested("sessionPersistence", sessionPersistence, c -> sessionPersistence.validate(c));
  }
}
