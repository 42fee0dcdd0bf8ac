package dev.gantry.translator.ratelimit;

import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.api.v1alpha1.RateLimitPolicySpec;
import dev.gantry.api.v1alpha1.RateLimitPolicySpec.KeySpec;
import dev.gantry.api.v1alpha1.RateLimitPolicySpec.LimitSpec;
import dev.gantry.api.v1alpha1.RateLimitPolicySpec.RateSpec;
import dev.gantry.model.SourceRef;
import dev.gantry.model.routing.RateLimit;
import dev.gantry.model.routing.RateLimit.KeyPart;
import dev.gantry.model.routing.RateLimit.KeyType;
import dev.gantry.model.routing.RouteMatch;
import dev.gantry.translator.route.HttpRouteTranslator;
import dev.gantry.translator.support.Durations;
import dev.gantry.translator.support.InvalidValueException;
import dev.gantry.translator.support.Names;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a RateLimitPolicy's spec and turns it into the config model's {@link RateLimit}. Checks
 * everything the CRD's schema and CEL rules check, because standalone mode has no API server to
 * enforce them; every problem is reported, each as "field: value (expected: rule)".
 */
final class RateLimitPolicyValidator {
  static final int MAX_TARGETS = 16;
  static final int MAX_LIMITS = 16;

  /** The model name of a policy: {@code ratelimitpolicy/<ns>/<name>}. */
  static String modelName(RateLimitPolicy p) {
    return "ratelimitpolicy/" + p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  /** The policy as a model rate limit, or the list of problems that make it Invalid. */
  record Result(RateLimit rateLimit, List<String> errors) {}

  Result validate(RateLimitPolicy policy) {
    List<String> errors = new ArrayList<>();
    RateLimitPolicySpec spec = policy.getSpec();
    if (spec == null) {
      return new Result(null, List.of("spec: null (expected: a RateLimitPolicy spec)"));
    }
    List<LocalPolicyTargetReferenceWithSectionName> targets =
        spec.targetRefs() == null ? List.of() : spec.targetRefs();
    if (targets.isEmpty() || targets.size() > MAX_TARGETS) {
      errors.add(
          "spec.targetRefs: " + targets.size() + " entries (expected: 1.." + MAX_TARGETS + ")");
    }
    for (int t = 0; t < targets.size(); t++) {
      LocalPolicyTargetReferenceWithSectionName ref = targets.get(t);
      String at = "spec.targetRefs[" + t + "]";
      if (!Names.GATEWAY_GROUP.equals(ref.getGroup())) {
        errors.add(at + ".group: " + ref.getGroup() + " (expected: " + Names.GATEWAY_GROUP + ")");
      }
      if (!"Gateway".equals(ref.getKind()) && !"HTTPRoute".equals(ref.getKind())) {
        errors.add(at + ".kind: " + ref.getKind() + " (expected: Gateway or HTTPRoute)");
      }
      if (ref.getName() == null || ref.getName().isEmpty()) {
        errors.add(at + ".name: " + ref.getName() + " (expected: non-empty)");
      }
    }
    if (spec.scope() == null) {
      errors.add("spec.scope: null (expected: Local or Global)");
    }
    List<LimitSpec> limits = spec.limits() == null ? List.of() : spec.limits();
    if (limits.isEmpty() || limits.size() > MAX_LIMITS) {
      errors.add("spec.limits: " + limits.size() + " entries (expected: 1.." + MAX_LIMITS + ")");
    }
    List<RateLimit.Limit> model = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int l = 0; l < limits.size(); l++) {
      LimitSpec limit = limits.get(l);
      String at = "spec.limits[" + l + "]";
      if (limit.name() == null || !limit.name().matches("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")) {
        errors.add(at + ".name: " + limit.name() + " (expected: a DNS label)");
      } else if (!names.add(limit.name())) {
        errors.add(at + ".name: " + limit.name() + " (expected: unique within the policy)");
      }
      List<RateLimit.Rate> rates = rates(at, limit.rates(), errors);
      List<KeyPart> key = key(at, limit.key(), errors);
      List<RouteMatch> when = when(at, limit.when(), errors);
      model.add(new RateLimit.Limit(limit.name(), rates, key, when));
    }
    if (!errors.isEmpty()) {
      return new Result(null, errors);
    }
    RateLimit rl =
        new RateLimit(
            modelName(policy),
            SourceRef.of(
                RateLimitPolicy.KIND,
                policy.getMetadata().getNamespace(),
                policy.getMetadata().getName()),
            spec.scope() == RateLimitPolicySpec.Scope.Global
                ? RateLimit.Scope.GLOBAL
                : RateLimit.Scope.LOCAL,
            spec.failureMode() == RateLimitPolicySpec.FailureMode.Closed
                ? RateLimit.FailureMode.CLOSED
                : RateLimit.FailureMode.OPEN,
            model,
            // A Local policy states the Gateway's rate: each replica enforces its share, so the
            // total does not silently multiply with the replica count.
            spec.scope() == RateLimitPolicySpec.Scope.Local);
    return new Result(rl, List.of());
  }

  private static List<RateLimit.Rate> rates(String at, List<RateSpec> in, List<String> errors) {
    List<RateLimit.Rate> out = new ArrayList<>();
    if (in == null || in.isEmpty()) {
      errors.add(at + ".rates: [] (expected: at least one rate)");
      return out;
    }
    for (int r = 0; r < in.size(); r++) {
      RateSpec rate = in.get(r);
      String field = at + ".rates[" + r + "]";
      if (rate.requests() == null || rate.requests() < 1) {
        errors.add(field + ".requests: " + rate.requests() + " (expected: >= 1)");
      }
      long ms = 0;
      try {
        ms = Durations.toMillis(field + ".per", rate.per());
        if (ms <= 0) {
          errors.add(field + ".per: " + rate.per() + " (expected: a duration greater than zero)");
        }
      } catch (InvalidValueException e) {
        errors.add(e.getMessage());
      }
      out.add(new RateLimit.Rate(rate.requests() == null ? 0 : rate.requests(), ms));
    }
    return out;
  }

  private static List<KeyPart> key(String at, List<KeySpec> in, List<String> errors) {
    List<KeyPart> out = new ArrayList<>();
    if (in == null) {
      return out;
    }
    for (int k = 0; k < in.size(); k++) {
      KeySpec key = in.get(k);
      String field = at + ".key[" + k + "]";
      List<KeyPart> parts = new ArrayList<>();
      if (key.clientIP() != null) {
        parts.add(new KeyPart(KeyType.CLIENT_IP, null));
      }
      if (key.path() != null) {
        parts.add(new KeyPart(KeyType.PATH, null));
      }
      if (key.method() != null) {
        parts.add(new KeyPart(KeyType.METHOD, null));
      }
      if (key.header() != null) {
        String name = key.header().name();
        if (name == null || name.isEmpty()) {
          errors.add(field + ".header.name: " + name + " (expected: a header name)");
        }
        parts.add(new KeyPart(KeyType.HEADER, name == null ? null : name.toLowerCase(Locale.ROOT)));
      }
      if (key.queryParam() != null) {
        String name = key.queryParam().name();
        if (name == null || name.isEmpty()) {
          errors.add(field + ".queryParam.name: " + name + " (expected: a parameter name)");
        }
        parts.add(new KeyPart(KeyType.QUERY_PARAM, name));
      }
      if (parts.size() != 1) {
        errors.add(
            field
                + ": "
                + parts.size()
                + " parts (expected: exactly one of clientIP, header, path, method, queryParam)");
      } else {
        out.add(parts.get(0));
      }
    }
    return out;
  }

  private static List<RouteMatch> when(String at, List<HTTPRouteMatch> in, List<String> errors) {
    List<RouteMatch> out = new ArrayList<>();
    if (in == null) {
      return out;
    }
    for (int w = 0; w < in.size(); w++) {
      try {
        out.add(HttpRouteTranslator.matches(at + ".when[" + w + "]", List.of(in.get(w))).get(0));
      } catch (InvalidValueException e) {
        errors.add(e.getMessage().replace(".matches[0]", ""));
      }
    }
    return out;
  }
}
