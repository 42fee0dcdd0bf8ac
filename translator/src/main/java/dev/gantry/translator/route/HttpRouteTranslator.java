package dev.gantry.translator.route;

import com.google.re2j.PatternSyntaxException;
import dev.gantry.model.SourceRef;
import dev.gantry.model.routing.Backend;
import dev.gantry.model.routing.HeaderMatch;
import dev.gantry.model.routing.PathMatch;
import dev.gantry.model.routing.PathMatchType;
import dev.gantry.model.routing.QueryParamMatch;
import dev.gantry.model.routing.RetryPolicy;
import dev.gantry.model.routing.RouteEntry;
import dev.gantry.model.routing.RouteMatch;
import dev.gantry.model.routing.Rule;
import dev.gantry.model.routing.Timeouts;
import dev.gantry.model.routing.ValueMatchType;
import dev.gantry.model.routing.backend.SessionPersistence;
import dev.gantry.model.routing.filter.Filter;
import dev.gantry.model.routing.filter.RequestRedirect;
import dev.gantry.translator.backend.BackendRefResolver;
import dev.gantry.translator.backend.ResolvedCluster;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.support.Durations;
import dev.gantry.translator.support.InvalidValueException;
import dev.gantry.translator.support.Names;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRetry;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteTimeouts;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One HTTPRoute → {@link CompiledRoute}, independent of the Gateways it attaches to: matches
 * (validated, normalised, RE2-checked), filters, backends, timeouts and retry per rule. An invalid
 * rule is dropped and reported; it never takes the whole route down.
 */
public final class HttpRouteTranslator {

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  /** Routes without a creationTimestamp sort after every real one. */
  private static final String NO_TIMESTAMP = "9999-12-31T23:59:59Z";

  private final BackendRefResolver backends;
  private final FilterTranslator filters;

  public HttpRouteTranslator(BackendRefResolver backends) {
    this.backends = backends;
    this.filters = new FilterTranslator(backends);
  }

  public CompiledRoute translate(HTTPRoute route) {
    String ns = route.getMetadata().getNamespace();
    String name = route.getMetadata().getName();
    RouteProblems problems = new RouteProblems();
    List<Rule> rules = new ArrayList<>();
    List<CompiledMatch> matches = new ArrayList<>();
    List<HTTPRouteRule> specRules =
        route.getSpec() == null || route.getSpec().getRules() == null
            ? List.of()
            : route.getSpec().getRules();
    if (specRules.isEmpty()) {
      // The CRD default: one rule matching every path, without backends.
      specRules = List.of(new HTTPRouteRule());
    }
    String created = timestamp(route);
    String routeKey = ns + "/" + name;
    for (int i = 0; i < specRules.size(); i++) {
      HTTPRouteRule specRule = specRules.get(i);
      String field = "spec.rules[" + i + "]";
      String ruleName = Names.ruleName(ns, name, i);
      SourceRef source =
          new SourceRef(
              "HTTPRoute",
              ns,
              name,
              specRule.getName() == null || specRule.getName().isEmpty()
                  ? String.valueOf(i)
                  : specRule.getName());
      try {
        List<RouteMatch> ruleMatches = matches(field, specRule.getMatches());
        Rule rule = rule(field, ruleName, source, specRule, ns, ruleMatches, problems);
        rules.add(rule);
        for (int j = 0; j < ruleMatches.size(); j++) {
          RouteMatch m = ruleMatches.get(j);
          matches.add(
              new CompiledMatch(
                  new RouteEntry(ruleName + "/match/" + j, source, m, ruleName),
                  m.path().type(),
                  m.path().value().length(),
                  m.method() != null,
                  m.headers().size(),
                  m.queryParams().size(),
                  created,
                  routeKey,
                  i,
                  j));
        }
      } catch (InvalidValueException e) {
        problems.dropped(
            i, Names.orDefault(e.reason(), Conditions.REASON_UNSUPPORTED_VALUE), e.getMessage());
      }
    }
    return new CompiledRoute(route, List.copyOf(rules), List.copyOf(matches), problems);
  }

  private Rule rule(
      String field,
      String ruleName,
      SourceRef source,
      HTTPRouteRule spec,
      String ns,
      List<RouteMatch> ruleMatches,
      RouteProblems problems) {
    String onlyPrefix =
        ruleMatches.size() == 1 && ruleMatches.get(0).path().type() == PathMatchType.PATH_PREFIX
            ? ruleMatches.get(0).path().value()
            : null;
    Timeouts timeouts = timeouts(field + ".timeouts", spec.getTimeouts());
    RetryPolicy retry = retry(field + ".retry", spec.getRetry());
    SessionPersistence session =
        SessionPersistenceTranslator.translate(
            field + ".sessionPersistence", spec.getSessionPersistence());
    // Resolution problems are collected aside and only reported if the rule survives validation.
    RouteProblems local = new RouteProblems();
    FilterTranslator.Result ruleFilters =
        filters.translate(field + ".filters", spec.getFilters(), ns, onlyPrefix, local);
    boolean redirect = ruleFilters.filters().stream().anyMatch(f -> f instanceof RequestRedirect);
    List<HTTPBackendRef> refs = spec.getBackendRefs() == null ? List.of() : spec.getBackendRefs();
    if (redirect && !refs.isEmpty()) {
      throw new InvalidValueException(
          field + ".backendRefs",
          refs.size() + " backendRefs",
          "no backendRefs on a rule with a RequestRedirect filter",
          Conditions.REASON_INCOMPATIBLE_FILTERS);
    }
    boolean answer500 = ruleFilters.answer500();
    List<Backend> out = new ArrayList<>();
    int totalWeight = 0;
    for (int b = 0; b < refs.size(); b++) {
      HTTPBackendRef ref = refs.get(b);
      String at = field + ".backendRefs[" + b + "]";
      int weight = Names.orDefault(ref.getWeight(), 1);
      if (weight < 0 || weight > 1_000_000) {
        throw new InvalidValueException(
            at + ".weight", weight, "0..1000000", Conditions.REASON_UNSUPPORTED_VALUE);
      }
      FilterTranslator.Result backendFilters =
          filters.translate(at + ".filters", ref.getFilters(), ns, onlyPrefix, local);
      answer500 |= backendFilters.answer500();
      SourceRef backendSource = source;
      try {
        ResolvedCluster rc =
            backends.resolve(
                at,
                ns,
                ref.getGroup(),
                ref.getKind(),
                ref.getName(),
                ref.getNamespace(),
                ref.getPort());
        out.add(
            new Backend(
                rc.cluster().name(), weight, null, backendFilters.filters(), backendSource));
      } catch (InvalidValueException e) {
        // The spec: the invalid backend's share of traffic gets 500, the others keep working.
        local.unresolved(e.reason(), e.getMessage());
        out.add(new Backend(null, weight, 500, backendFilters.filters(), backendSource));
      }
      totalWeight += weight;
    }
    local.copyUnresolvedTo(problems);
    if (answer500) {
      return new Rule(ruleName, source, List.of(), List.of(), 500, timeouts, retry, List.of());
    }
    List<Filter> ruleFilterList = ruleFilters.filters();
    if (redirect) {
      return new Rule(
          ruleName, source, ruleFilterList, List.of(), null, timeouts, retry, List.of());
    }
    // No backends, or only weight-0 ones: nothing to forward to, the spec's 500.
    Integer direct = totalWeight == 0 ? 500 : null;
    // Only a forwarding rule has endpoints to stick to; a direct response or redirect ignores it.
    return new Rule(
        ruleName,
        source,
        ruleFilterList,
        out,
        direct,
        timeouts,
        retry,
        List.of(),
        direct != null ? null : session);
  }

  /** Gateway API matches → model matches; also used for RateLimitPolicy {@code when}. */
  public static List<RouteMatch> matches(String field, List<HTTPRouteMatch> in) {
    List<RouteMatch> out = new ArrayList<>();
    if (in == null || in.isEmpty()) {
      out.add(new RouteMatch(PathMatch.ROOT, List.of(), List.of(), null));
      return out;
    }
    for (int j = 0; j < in.size(); j++) {
      HTTPRouteMatch m = in.get(j);
      String at = field + ".matches[" + j + "]";
      out.add(
          new RouteMatch(
              path(at + ".path", m.getPath()),
              headers(at + ".headers", m.getHeaders()),
              queryParams(at + ".queryParams", m.getQueryParams()),
              method(at + ".method", m.getMethod())));
    }
    return out;
  }

  static PathMatch path(String field, HTTPPathMatch p) {
    if (p == null) {
      return PathMatch.ROOT;
    }
    String type = Names.orDefault(p.getType(), "PathPrefix");
    String value = Names.orDefault(p.getValue(), "/");
    switch (type) {
      case "Exact", "PathPrefix" -> {
        if (!validPath(value)) {
          throw new InvalidValueException(
              field + ".value",
              value,
              "an absolute path without //, /./, /../, %2F, # or a trailing /. or /..",
              Conditions.REASON_UNSUPPORTED_VALUE);
        }
        if (type.equals("Exact")) {
          return new PathMatch(PathMatchType.EXACT, value);
        }
        return new PathMatch(PathMatchType.PATH_PREFIX, normalizePrefix(value));
      }
      case "RegularExpression" -> {
        checkRegex(field + ".value", value);
        return new PathMatch(PathMatchType.REGULAR_EXPRESSION, value);
      }
      default ->
          throw new InvalidValueException(
              field + ".type",
              type,
              "Exact, PathPrefix or RegularExpression",
              Conditions.REASON_UNSUPPORTED_VALUE);
    }
  }

  /**
   * The CRD's CEL rules for Exact and PathPrefix values, re-checked because standalone mode and
   * tests bypass the API server: absolute, no empty, {@code .} or {@code ..} segment, no encoded
   * slash, no fragment.
   */
  private static boolean validPath(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    return value.startsWith("/")
        && !value.contains("//")
        && !value.contains("/./")
        && !value.contains("/../")
        && !lower.contains("%2f")
        && !value.contains("#")
        && !value.endsWith("/.")
        && !value.endsWith("/..");
  }

  /** {@code /foo/} → {@code /foo}; the spec ignores a trailing slash of a configured prefix. */
  static String normalizePrefix(String value) {
    String v = value;
    while (v.length() > 1 && v.endsWith("/")) {
      v = v.substring(0, v.length() - 1);
    }
    return v;
  }

  private static List<HeaderMatch> headers(String field, List<HTTPHeaderMatch> in) {
    List<HeaderMatch> out = new ArrayList<>();
    if (in == null) {
      return out;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < in.size(); i++) {
      HTTPHeaderMatch h = in.get(i);
      String at = field + "[" + i + "]";
      if (h.getName() == null || h.getName().isEmpty()) {
        throw new InvalidValueException(
            at + ".name", h.getName(), "a header name", Conditions.REASON_UNSUPPORTED_VALUE);
      }
      String name = h.getName().toLowerCase(Locale.ROOT);
      ValueMatchType type = valueType(at, h.getType(), h.getValue());
      // Header names are case-insensitive and the first entry of a name wins.
      if (seen.add(name)) {
        out.add(new HeaderMatch(name, type, Names.orEmpty(h.getValue())));
      }
    }
    return out;
  }

  private static List<QueryParamMatch> queryParams(String field, List<HTTPQueryParamMatch> in) {
    List<QueryParamMatch> out = new ArrayList<>();
    if (in == null) {
      return out;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < in.size(); i++) {
      HTTPQueryParamMatch q = in.get(i);
      String at = field + "[" + i + "]";
      if (q.getName() == null || q.getName().isEmpty()) {
        throw new InvalidValueException(
            at + ".name",
            q.getName(),
            "a query parameter name",
            Conditions.REASON_UNSUPPORTED_VALUE);
      }
      ValueMatchType type = valueType(at, q.getType(), q.getValue());
      if (seen.add(q.getName())) {
        out.add(new QueryParamMatch(q.getName(), type, Names.orEmpty(q.getValue())));
      }
    }
    return out;
  }

  private static ValueMatchType valueType(String field, String type, String value) {
    String t = Names.orDefault(type, "Exact");
    return switch (t) {
      case "Exact" -> ValueMatchType.EXACT;
      case "RegularExpression" -> {
        checkRegex(field + ".value", value);
        yield ValueMatchType.REGULAR_EXPRESSION;
      }
      default ->
          throw new InvalidValueException(
              field + ".type",
              t,
              "Exact or RegularExpression",
              Conditions.REASON_UNSUPPORTED_VALUE);
    };
  }

  private static void checkRegex(String field, String value) {
    try {
      com.google.re2j.Pattern.compile(Names.orEmpty(value));
    } catch (PatternSyntaxException e) {
      throw new InvalidValueException(
          field,
          value,
          "an RE2 regular expression; " + e.getDescription(),
          Conditions.REASON_UNSUPPORTED_VALUE);
    }
  }

  private static String method(String field, String method) {
    if (method == null || method.isEmpty()) {
      return null;
    }
    if (!METHODS.contains(method)) {
      throw new InvalidValueException(
          field,
          method,
          "one of " + METHODS.stream().sorted().toList(),
          Conditions.REASON_UNSUPPORTED_VALUE);
    }
    return method;
  }

  private static Timeouts timeouts(String field, HTTPRouteTimeouts t) {
    if (t == null || (t.getRequest() == null && t.getBackendRequest() == null)) {
      return null;
    }
    Long request =
        t.getRequest() == null ? null : Durations.toMillis(field + ".request", t.getRequest());
    Long backend =
        t.getBackendRequest() == null
            ? null
            : Durations.toMillis(field + ".backendRequest", t.getBackendRequest());
    if (request != null && request > 0 && backend != null && backend > request) {
      throw new InvalidValueException(
          field + ".backendRequest",
          t.getBackendRequest(),
          "at most timeouts.request (" + t.getRequest() + ")",
          Conditions.REASON_UNSUPPORTED_VALUE);
    }
    return new Timeouts(request, backend);
  }

  private static RetryPolicy retry(String field, HTTPRouteRetry r) {
    if (r == null) {
      return null;
    }
    List<Integer> codes = r.getCodes() == null ? List.of() : r.getCodes();
    Set<Integer> unique = new HashSet<>();
    for (int i = 0; i < codes.size(); i++) {
      Integer c = codes.get(i);
      if (c == null || c < 400 || c > 599 || !unique.add(c)) {
        throw new InvalidValueException(
            field + ".codes[" + i + "]",
            c,
            "a unique status code in 400..599",
            Conditions.REASON_UNSUPPORTED_VALUE);
      }
    }
    // GEP-1731 leaves the default to implementations; one retry is the least surprising one.
    int attempts = Names.orDefault(r.getAttempts(), 1);
    if (attempts < 1) {
      throw new InvalidValueException(
          field + ".attempts", attempts, ">= 1", Conditions.REASON_UNSUPPORTED_VALUE);
    }
    Long backoff =
        r.getBackoff() == null ? null : Durations.toMillis(field + ".backoff", r.getBackoff());
    return new RetryPolicy(codes, attempts, backoff);
  }

  private static String timestamp(HTTPRoute route) {
    String ts = route.getMetadata().getCreationTimestamp();
    if (ts == null || ts.isEmpty()) {
      return NO_TIMESTAMP;
    }
    try {
      // Normalised so that string order is time order whatever the input's precision.
      return Instant.parse(ts).toString();
    } catch (DateTimeParseException e) {
      return NO_TIMESTAMP;
    }
  }
}
