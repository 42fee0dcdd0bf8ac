package dev.gantry.translator.backendpolicy;

import dev.gantry.api.v1alpha1.BackendPolicySpec;
import dev.gantry.api.v1alpha1.BackendPolicySpec.ActiveHealthCheckSpec;
import dev.gantry.api.v1alpha1.BackendPolicySpec.CircuitBreakerSpec;
import dev.gantry.api.v1alpha1.BackendPolicySpec.ConnectionSpec;
import dev.gantry.api.v1alpha1.BackendPolicySpec.ConsistentHashSpec;
import dev.gantry.api.v1alpha1.BackendPolicySpec.LoadBalancerSpec;
import dev.gantry.api.v1alpha1.BackendPolicySpec.PassiveHealthCheckSpec;
import dev.gantry.api.v1alpha1.BackendPolicySpec.RetryBudgetSpec;
import dev.gantry.api.v1alpha1.BackendPolicySpec.StatusRangeSpec;
import dev.gantry.model.SourceRef;
import dev.gantry.model.Validator;
import dev.gantry.model.routing.backend.ActiveHealthCheck;
import dev.gantry.model.routing.backend.ActiveHealthCheck.StatusRange;
import dev.gantry.model.routing.backend.BackendPolicy;
import dev.gantry.model.routing.backend.CircuitBreaker;
import dev.gantry.model.routing.backend.ConnectionSettings;
import dev.gantry.model.routing.backend.HashOn;
import dev.gantry.model.routing.backend.LoadBalancing;
import dev.gantry.model.routing.backend.OutlierDetection;
import dev.gantry.model.routing.backend.RetryBudget;
import dev.gantry.translator.support.Durations;
import dev.gantry.translator.support.InvalidValueException;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks a BackendPolicy's spec and turns it into the config model's {@link BackendPolicy}, every
 * field the user left out filled from the model part's {@code DEFAULT}. Checks everything the CRD's
 * schema and CEL rules check (standalone mode has no API server to enforce them) and what CEL
 * cannot (values the proxy could not honour, such as a cookie TTL below one second); every problem
 * is reported, each as "field: value (expected: rule)".
 */
final class BackendPolicyValidator {

  static final int MAX_TARGETS = 16;
  static final int MAX_STATUS_RANGES = 8;

  private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$");
  private static final Pattern HOSTNAME =
      Pattern.compile(
          "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?$");

  /** The policy as a model policy, or the problems that make it Invalid. */
  record Result(BackendPolicy policy, List<String> errors) {}

  Result validate(dev.gantry.api.v1alpha1.BackendPolicy policy) {
    BackendPolicySpec spec = policy.getSpec();
    if (spec == null) {
      return new Result(null, List.of("spec: null (expected: a BackendPolicy spec)"));
    }
    Validator v = new Validator().at("spec");
    List<LocalPolicyTargetReferenceWithSectionName> targets =
        spec.targetRefs() == null ? List.of() : spec.targetRefs();
    v.require(
        !targets.isEmpty() && targets.size() <= MAX_TARGETS,
        "targetRefs",
        targets.size() + " entries",
        "1.." + MAX_TARGETS);
    for (int t = 0; t < targets.size(); t++) {
      LocalPolicyTargetReferenceWithSectionName ref = targets.get(t);
      Validator at = v.at("targetRefs", t);
      at.require(
          ref.getGroup() == null || ref.getGroup().isEmpty(),
          "group",
          ref.getGroup(),
          "\"\" (the core API group)");
      at.require("Service".equals(ref.getKind()), "kind", ref.getKind(), "Service");
      at.require(
          ref.getName() != null && !ref.getName().isEmpty(), "name", ref.getName(), "non-empty");
    }
    SourceRef source =
        SourceRef.of(
            dev.gantry.api.v1alpha1.BackendPolicy.KIND,
            policy.getMetadata().getNamespace(),
            policy.getMetadata().getName());
    BackendPolicy model =
        new BackendPolicy(
            source,
            spec.loadBalancer() == null
                ? null
                : loadBalancing(v.at("loadBalancer"), spec.loadBalancer()),
            spec.healthCheck() == null || spec.healthCheck().active() == null
                ? null
                : active(v.at("healthCheck").at("active"), spec.healthCheck().active()),
            spec.healthCheck() == null || spec.healthCheck().passive() == null
                ? null
                : passive(v.at("healthCheck").at("passive"), spec.healthCheck().passive()),
            spec.circuitBreaker() == null
                ? null
                : circuitBreaker(v.at("circuitBreaker"), spec.circuitBreaker()),
            spec.retryBudget() == null
                ? null
                : retryBudget(v.at("retryBudget"), spec.retryBudget()),
            spec.connection() == null ? null : connection(v.at("connection"), spec.connection()));
    if (!v.ok()) {
      return new Result(null, v.errors());
    }
    // The model's own rules as a backstop: a gap between the checks above and what the proxy
    // validates must surface here as Invalid, never as a NACKed snapshot.
    Validator modelCheck = new Validator().at("spec (as the config model)");
    model.validate(modelCheck);
    return modelCheck.ok() ? new Result(model, List.of()) : new Result(null, modelCheck.errors());
  }

  private static LoadBalancing loadBalancing(Validator v, LoadBalancerSpec lb) {
    BackendPolicySpec.LoadBalancerType type =
        lb.type() == null ? BackendPolicySpec.LoadBalancerType.LeastRequest : lb.type();
    LoadBalancing.Type modelType =
        switch (type) {
          case RoundRobin -> LoadBalancing.Type.ROUND_ROBIN;
          case LeastRequest -> LoadBalancing.Type.LEAST_REQUEST;
          case ConsistentHash -> LoadBalancing.Type.CONSISTENT_HASH;
        };
    HashOn hashOn = null;
    LoadBalancing.HashTable table = null;
    if (type == BackendPolicySpec.LoadBalancerType.ConsistentHash) {
      if (lb.consistentHash() == null) {
        v.fail("consistentHash", null, "set with type ConsistentHash");
      } else {
        hashOn = hashOn(v.at("consistentHash"), lb.consistentHash());
        table =
            lb.consistentHash().table() == BackendPolicySpec.HashTable.Ring
                ? LoadBalancing.HashTable.RING
                : LoadBalancing.HashTable.MAGLEV;
      }
    } else if (lb.consistentHash() != null) {
      v.fail("consistentHash", "set", "only with type ConsistentHash (type is " + type + ")");
    }
    long slowStart =
        lb.slowStart() == null
            ? LoadBalancing.DEFAULT.slowStartMs()
            : millis(v.at("slowStart"), "window", lb.slowStart().window(), 0);
    return new LoadBalancing(modelType, hashOn, table, slowStart);
  }

  private static HashOn hashOn(Validator v, ConsistentHashSpec ch) {
    if (ch.type() == null) {
      v.fail("type", null, "Header, Cookie or SourceIP");
      return null;
    }
    v.require(
        (ch.header() != null) == (ch.type() == BackendPolicySpec.HashType.Header),
        "header",
        ch.header() == null ? null : ch.header().name(),
        "set exactly when type is Header");
    v.require(
        (ch.cookie() != null) == (ch.type() == BackendPolicySpec.HashType.Cookie),
        "cookie",
        ch.cookie() == null ? null : ch.cookie().name(),
        "set exactly when type is Cookie");
    return switch (ch.type()) {
      case Header -> {
        String name = ch.header() == null ? null : ch.header().name();
        token(v.at("header"), "name", name);
        yield new HashOn(
            HashOn.Source.HEADER, name == null ? null : name.toLowerCase(Locale.ROOT), 0);
      }
      case Cookie -> {
        String name = ch.cookie() == null ? null : ch.cookie().name();
        token(v.at("cookie"), "name", name);
        long ttlSeconds = 0;
        if (ch.cookie() != null && ch.cookie().ttl() != null) {
          long ms = millis(v.at("cookie"), "ttl", ch.cookie().ttl(), 0);
          // Max-Age is whole seconds: a TTL the proxy would have to round is rejected, not
          // silently changed.
          v.at("cookie")
              .require(ms % 1000 == 0 && ms > 0, "ttl", ch.cookie().ttl(), "whole seconds, >= 1s");
          ttlSeconds = ms / 1000;
        }
        yield new HashOn(HashOn.Source.COOKIE, name, ttlSeconds);
      }
      case SourceIP -> new HashOn(HashOn.Source.SOURCE_IP, null, 0);
    };
  }

  private static ActiveHealthCheck active(Validator v, ActiveHealthCheckSpec a) {
    v.require(
        a.path() != null && a.path().startsWith("/") && a.path().chars().noneMatch(c -> c <= ' '),
        "path",
        a.path(),
        "an absolute path starting with / without spaces");
    if (a.hostname() != null) {
      v.require(
          HOSTNAME.matcher(a.hostname()).matches(),
          "hostname",
          a.hostname(),
          "a lower-case DNS name, optionally with :port");
    }
    List<StatusRangeSpec> specs = a.expectedStatuses() == null ? List.of() : a.expectedStatuses();
    v.require(
        specs.size() <= MAX_STATUS_RANGES,
        "expectedStatuses",
        specs.size() + " entries",
        "at most " + MAX_STATUS_RANGES);
    List<StatusRange> ranges = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      StatusRangeSpec r = specs.get(i);
      Validator at = v.at("expectedStatuses", i);
      if (r == null || r.from() == null) {
        at.fail("from", null, "a status code 100..599");
        continue;
      }
      int to = r.to() == null ? r.from() : r.to();
      at.require(r.from() >= 100 && r.from() <= 599, "from", r.from(), "100..599");
      at.require(to >= r.from() && to <= 599, "to", to, r.from() + "..599");
      ranges.add(new StatusRange(r.from(), to));
    }
    long interval =
        a.interval() == null
            ? ActiveHealthCheck.DEFAULT_INTERVAL_MS
            : millis(v, "interval", a.interval(), 100);
    long timeout =
        a.timeout() == null
            ? ActiveHealthCheck.DEFAULT_TIMEOUT_MS
            : millis(v, "timeout", a.timeout(), 1);
    v.require(
        timeout <= interval,
        "timeout",
        a.timeout() == null ? timeout + "ms (default)" : a.timeout(),
        "<= interval " + (a.interval() == null ? interval + "ms (default)" : a.interval()));
    int healthy =
        atLeast(
            v,
            "healthyThreshold",
            a.healthyThreshold(),
            ActiveHealthCheck.DEFAULT_HEALTHY_THRESHOLD,
            1);
    int unhealthy =
        atLeast(
            v,
            "unhealthyThreshold",
            a.unhealthyThreshold(),
            ActiveHealthCheck.DEFAULT_UNHEALTHY_THRESHOLD,
            1);
    return new ActiveHealthCheck(
        a.path(), a.hostname(), ranges, interval, timeout, healthy, unhealthy);
  }

  private static OutlierDetection passive(Validator v, PassiveHealthCheckSpec p) {
    OutlierDetection d = OutlierDetection.DEFAULT;
    long base =
        p.baseEjectionTime() == null
            ? d.baseEjectionMs()
            : millis(v, "baseEjectionTime", p.baseEjectionTime(), 1);
    long max =
        p.maxEjectionTime() == null
            ? d.maxEjectionMs()
            : millis(v, "maxEjectionTime", p.maxEjectionTime(), 1);
    v.require(
        max >= base,
        "maxEjectionTime",
        p.maxEjectionTime() == null ? max + "ms (default)" : p.maxEjectionTime(),
        ">= baseEjectionTime "
            + (p.baseEjectionTime() == null ? base + "ms (default)" : p.baseEjectionTime()));
    int percent = atLeast(v, "maxEjectedPercent", p.maxEjectedPercent(), d.maxEjectedPercent(), 0);
    v.require(percent <= 100, "maxEjectedPercent", percent, "0..100");
    return new OutlierDetection(
        p.enabled() == null ? d.enabled() : p.enabled(),
        atLeast(v, "consecutive5xx", p.consecutive5xx(), d.consecutive5xx(), 1),
        atLeast(
            v,
            "consecutiveConnectFailures",
            p.consecutiveConnectFailures(),
            d.consecutiveConnectFailures(),
            1),
        base,
        max,
        percent);
  }

  private static CircuitBreaker circuitBreaker(Validator v, CircuitBreakerSpec c) {
    CircuitBreaker d = CircuitBreaker.DEFAULT;
    return new CircuitBreaker(
        atLeast(v, "maxConnections", c.maxConnections(), d.maxConnections(), 1),
        atLeast(v, "maxPendingRequests", c.maxPendingRequests(), d.maxPendingRequests(), 0),
        atLeast(v, "maxRequests", c.maxRequests(), d.maxRequests(), 1),
        atLeast(v, "maxRetries", c.maxRetries(), d.maxRetries(), 0));
  }

  private static RetryBudget retryBudget(Validator v, RetryBudgetSpec r) {
    RetryBudget d = RetryBudget.DEFAULT;
    int percent = atLeast(v, "percent", r.percent(), d.percent(), 0);
    v.require(percent <= 100, "percent", percent, "0..100");
    return new RetryBudget(
        percent,
        atLeast(v, "minRetryConcurrency", r.minRetryConcurrency(), d.minRetryConcurrency(), 0));
  }

  private static ConnectionSettings connection(Validator v, ConnectionSpec c) {
    ConnectionSettings d = ConnectionSettings.DEFAULT;
    return new ConnectionSettings(
        c.connectTimeout() == null
            ? d.connectTimeoutMs()
            : millis(v, "connectTimeout", c.connectTimeout(), 1),
        c.idleTimeout() == null ? d.idleTimeoutMs() : millis(v, "idleTimeout", c.idleTimeout(), 1),
        atLeast(
            v,
            "maxRequestsPerConnection",
            c.maxRequestsPerConnection(),
            d.maxRequestsPerConnection(),
            0),
        atLeast(v, "maxConcurrentStreams", c.maxConcurrentStreams(), d.maxConcurrentStreams(), 1));
  }

  private static void token(Validator v, String field, String value) {
    v.require(
        value != null && TOKEN.matcher(value).matches(),
        field,
        value,
        "an HTTP token (letters, digits and !#$%&'*+-.^_`|~)");
  }

  /** A GEP-2257 duration of at least {@code minMs}; 0 (and an error) when it is not one. */
  private static long millis(Validator v, String field, String value, long minMs) {
    long ms;
    try {
      ms = Durations.toMillis(field, value);
    } catch (InvalidValueException e) {
      v.fail(field, value, Durations.RULE);
      return 0;
    }
    v.require(ms >= minMs, field, value, minMs == 0 ? ">= 0s" : ">= " + minMs + "ms");
    return ms;
  }

  private static int atLeast(Validator v, String field, Integer value, int fallback, int min) {
    if (value == null) {
      return fallback;
    }
    v.require(value >= min, field, value, ">= " + min);
    return value;
  }
}
