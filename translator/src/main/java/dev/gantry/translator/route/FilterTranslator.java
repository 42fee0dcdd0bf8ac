package dev.gantry.translator.route;

import dev.gantry.model.routing.filter.Cors;
import dev.gantry.model.routing.filter.Filter;
import dev.gantry.model.routing.filter.Header;
import dev.gantry.model.routing.filter.HeaderModifier;
import dev.gantry.model.routing.filter.PathModifier;
import dev.gantry.model.routing.filter.PathModifierType;
import dev.gantry.model.routing.filter.RequestHeaderModifier;
import dev.gantry.model.routing.filter.RequestMirror;
import dev.gantry.model.routing.filter.RequestRedirect;
import dev.gantry.model.routing.filter.ResponseHeaderModifier;
import dev.gantry.model.routing.filter.UrlRewrite;
import dev.gantry.translator.backend.BackendRefResolver;
import dev.gantry.translator.backend.ResolvedCluster;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.support.InvalidValueException;
import dev.gantry.translator.support.Names;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPCORSFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPURLRewriteFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HTTPRoute filters (rule or backendRef level) → config-model filters, in list order.
 *
 * <p>Combinations the spec forbids are rejected with {@code IncompatibleFilters}; malformed values
 * with {@code UnsupportedValue} (both drop the rule). A filter Gantry cannot implement (an
 * ExtensionRef or an unknown type) must not be skipped silently: {@link Result#answer500()} tells
 * the caller to answer the rule's requests with 500.
 */
final class FilterTranslator {

  private static final Set<String> AT_MOST_ONCE =
      Set.of(
          "CORS",
          "RequestHeaderModifier",
          "ResponseHeaderModifier",
          "RequestRedirect",
          "URLRewrite");
  private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);

  /**
   * @param filters translated filters in list order
   * @param answer500 a filter could not be implemented; the rule must answer 500
   */
  record Result(List<Filter> filters, boolean answer500) {}

  private final BackendRefResolver backends;

  FilterTranslator(BackendRefResolver backends) {
    this.backends = backends;
  }

  /**
   * @param field e.g. {@code spec.rules[0].filters} or {@code spec.rules[0].backendRefs[1].filters}
   * @param onlyPrefix the normalised PathPrefix when the rule has exactly one match and it is a
   *     PathPrefix, else {@code null} (ReplacePrefixMatch needs it)
   */
  Result translate(
      String field,
      List<HTTPRouteFilter> in,
      String routeNamespace,
      String onlyPrefix,
      RouteProblems problems) {
    List<Filter> out = new ArrayList<>();
    if (in == null) {
      return new Result(out, false);
    }
    boolean answer500 = false;
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < in.size(); i++) {
      HTTPRouteFilter f = in.get(i);
      String at = field + "[" + i + "]";
      String type = Names.orEmpty(f.getType());
      if (AT_MOST_ONCE.contains(type) && seen.merge(type, 1, Integer::sum) > 1) {
        throw new InvalidValueException(
            at + ".type",
            type,
            "at most one " + type + " filter per list",
            Conditions.REASON_INCOMPATIBLE_FILTERS);
      }
      switch (type) {
        case "RequestHeaderModifier" ->
            out.add(
                new RequestHeaderModifier(
                    headers(at + ".requestHeaderModifier", f.getRequestHeaderModifier())));
        case "ResponseHeaderModifier" ->
            out.add(
                new ResponseHeaderModifier(
                    headers(at + ".responseHeaderModifier", f.getResponseHeaderModifier())));
        case "RequestRedirect" ->
            out.add(redirect(at + ".requestRedirect", f.getRequestRedirect(), onlyPrefix));
        case "URLRewrite" -> out.add(rewrite(at + ".urlRewrite", f.getUrlRewrite(), onlyPrefix));
        case "RequestMirror" -> {
          RequestMirror m =
              mirror(at + ".requestMirror", f.getRequestMirror(), routeNamespace, problems);
          if (m != null) {
            out.add(m);
          }
        }
        case "CORS" -> out.add(cors(at + ".cors", f.getCors()));
        case "ExtensionRef" -> {
          answer500 = true;
          String ref =
              f.getExtensionRef() == null
                  ? null
                  : f.getExtensionRef().getGroup()
                      + "/"
                      + f.getExtensionRef().getKind()
                      + "/"
                      + f.getExtensionRef().getName();
          problems.unresolved(
              Conditions.REASON_INVALID_KIND,
              at
                  + ".extensionRef: "
                  + ref
                  + " (expected: no ExtensionRef; Gantry has no extension filters, so requests"
                  + " matching this rule get 500)");
        }
        default -> {
          answer500 = true;
          problems.unresolved(
              Conditions.REASON_INVALID_KIND,
              at
                  + ".type: "
                  + (type.isEmpty() ? "\"\"" : type)
                  + " (expected: one of CORS, RequestHeaderModifier, RequestMirror,"
                  + " RequestRedirect, ResponseHeaderModifier, URLRewrite; requests matching this"
                  + " rule get 500)");
        }
      }
    }
    if (seen.containsKey("RequestRedirect") && seen.containsKey("URLRewrite")) {
      throw new InvalidValueException(
          field,
          "RequestRedirect and URLRewrite",
          "never both in one filter list",
          Conditions.REASON_INCOMPATIBLE_FILTERS);
    }
    return new Result(out, answer500);
  }

  private static HeaderModifier headers(String field, HTTPHeaderFilter f) {
    if (f == null) {
      throw new InvalidValueException(
          field, null, "set when the filter type names it", Conditions.REASON_UNSUPPORTED_VALUE);
    }
    return new HeaderModifier(
        headerList(field + ".set", f.getSet()),
        headerList(field + ".add", f.getAdd()),
        f.getRemove());
  }

  private static List<Header> headerList(String field, List<HTTPHeader> in) {
    List<Header> out = new ArrayList<>();
    if (in == null) {
      return out;
    }
    for (int i = 0; i < in.size(); i++) {
      HTTPHeader h = in.get(i);
      if (h.getName() == null || h.getName().isEmpty()) {
        throw new InvalidValueException(
            field + "[" + i + "].name",
            h.getName(),
            "a header name",
            Conditions.REASON_UNSUPPORTED_VALUE);
      }
      out.add(new Header(h.getName(), Names.orEmpty(h.getValue())));
    }
    return out;
  }

  private static RequestRedirect redirect(
      String field, HTTPRequestRedirectFilter f, String onlyPrefix) {
    if (f == null) {
      throw new InvalidValueException(
          field, null, "set when the filter type names it", Conditions.REASON_UNSUPPORTED_VALUE);
    }
    String scheme = f.getScheme();
    if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
      throw new InvalidValueException(
          field + ".scheme", scheme, "http or https", Conditions.REASON_UNSUPPORTED_VALUE);
    }
    int code = Names.orDefault(f.getStatusCode(), 302);
    if (!REDIRECT_CODES.contains(code)) {
      throw new InvalidValueException(
          field + ".statusCode",
          code,
          "301, 302, 303, 307 or 308",
          Conditions.REASON_UNSUPPORTED_VALUE);
    }
    Integer port = f.getPort();
    if (port != null && (port < 1 || port > 65535)) {
      throw new InvalidValueException(
          field + ".port", port, "1..65535", Conditions.REASON_UNSUPPORTED_VALUE);
    }
    return new RequestRedirect(
        scheme,
        emptyToNull(f.getHostname()),
        port,
        path(field + ".path", f.getPath(), onlyPrefix),
        code);
  }

  private static UrlRewrite rewrite(String field, HTTPURLRewriteFilter f, String onlyPrefix) {
    if (f == null) {
      throw new InvalidValueException(
          field, null, "set when the filter type names it", Conditions.REASON_UNSUPPORTED_VALUE);
    }
    PathModifier path = path(field + ".path", f.getPath(), onlyPrefix);
    String hostname = emptyToNull(f.getHostname());
    if (hostname == null && path == null) {
      throw new InvalidValueException(
          field, "{}", "a hostname or a path", Conditions.REASON_UNSUPPORTED_VALUE);
    }
    return new UrlRewrite(hostname, path);
  }

  private static PathModifier path(String field, HTTPPathModifier p, String onlyPrefix) {
    if (p == null) {
      return null;
    }
    String type = Names.orEmpty(p.getType());
    switch (type) {
      case "ReplaceFullPath" -> {
        if (p.getReplaceFullPath() == null) {
          throw new InvalidValueException(
              field + ".replaceFullPath",
              null,
              "set when type is ReplaceFullPath",
              Conditions.REASON_UNSUPPORTED_VALUE);
        }
        return new PathModifier(PathModifierType.REPLACE_FULL_PATH, p.getReplaceFullPath(), null);
      }
      case "ReplacePrefixMatch" -> {
        if (p.getReplacePrefixMatch() == null) {
          throw new InvalidValueException(
              field + ".replacePrefixMatch",
              null,
              "set when type is ReplacePrefixMatch",
              Conditions.REASON_UNSUPPORTED_VALUE);
        }
        if (onlyPrefix == null) {
          throw new InvalidValueException(
              field + ".type",
              type,
              "ReplacePrefixMatch only on a rule with exactly one match, of type PathPrefix",
              Conditions.REASON_INCOMPATIBLE_FILTERS);
        }
        return new PathModifier(
            PathModifierType.REPLACE_PREFIX_MATCH, p.getReplacePrefixMatch(), onlyPrefix);
      }
      default ->
          throw new InvalidValueException(
              field + ".type",
              type,
              "ReplaceFullPath or ReplacePrefixMatch",
              Conditions.REASON_UNSUPPORTED_VALUE);
    }
  }

  private RequestMirror mirror(
      String field, HTTPRequestMirrorFilter f, String routeNamespace, RouteProblems problems) {
    if (f == null || f.getBackendRef() == null) {
      throw new InvalidValueException(
          field + ".backendRef",
          null,
          "a backend to mirror to",
          Conditions.REASON_UNSUPPORTED_VALUE);
    }
    int numerator = 100;
    int denominator = 100;
    if (f.getPercent() != null && f.getFraction() != null) {
      throw new InvalidValueException(
          field,
          "percent and fraction",
          "at most one of percent and fraction",
          Conditions.REASON_UNSUPPORTED_VALUE);
    }
    if (f.getPercent() != null) {
      numerator = f.getPercent();
      if (numerator < 0 || numerator > 100) {
        throw new InvalidValueException(
            field + ".percent", numerator, "0..100", Conditions.REASON_UNSUPPORTED_VALUE);
      }
    } else if (f.getFraction() != null) {
      numerator = Names.orDefault(f.getFraction().getNumerator(), 0);
      denominator = Names.orDefault(f.getFraction().getDenominator(), 100);
      if (denominator < 1 || numerator < 0 || numerator > denominator) {
        throw new InvalidValueException(
            field + ".fraction",
            numerator + "/" + denominator,
            "0 <= numerator <= denominator, denominator >= 1",
            Conditions.REASON_UNSUPPORTED_VALUE);
      }
    }
    BackendObjectReference ref = f.getBackendRef();
    try {
      ResolvedCluster rc =
          backends.resolve(
              field + ".backendRef",
              routeNamespace,
              ref.getGroup(),
              ref.getKind(),
              ref.getName(),
              ref.getNamespace(),
              ref.getPort());
      return new RequestMirror(rc.cluster().name(), numerator, denominator);
    } catch (InvalidValueException e) {
      // The spec: an unresolvable mirror is reported and not configured; the rule still works.
      problems.unresolved(e.reason(), e.getMessage());
      return null;
    }
  }

  private static Cors cors(String field, HTTPCORSFilter c) {
    if (c == null) {
      throw new InvalidValueException(
          field, null, "set when the filter type is CORS", Conditions.REASON_UNSUPPORTED_VALUE);
    }
    int maxAge = Names.orDefault(c.getMaxAge(), 5);
    if (maxAge < 1) {
      throw new InvalidValueException(
          field + ".maxAge", maxAge, ">= 1", Conditions.REASON_UNSUPPORTED_VALUE);
    }
    return new Cors(
        c.getAllowOrigins(),
        Boolean.TRUE.equals(c.getAllowCredentials()),
        c.getAllowMethods(),
        c.getAllowHeaders(),
        c.getExposeHeaders(),
        maxAge);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
