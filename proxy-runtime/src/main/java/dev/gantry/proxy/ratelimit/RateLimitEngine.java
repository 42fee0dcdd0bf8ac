package dev.gantry.proxy.ratelimit;

import dev.gantry.model.CanonicalJson;
import dev.gantry.model.ContentHash;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.routing.PolicyRef;
import dev.gantry.model.routing.RateLimit;
import dev.gantry.model.routing.RateLimit.Limit;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The proxy's rate-limit state across config reloads: compiles the rate limits of each snapshot,
 * reusing the compiled limit (and so its buckets) of every policy whose definition did not change,
 * holds the Redis store of Global limits, and tracks the Gateway's ready replica count that
 * Gateway-wide Local limits divide by.
 */
public final class RateLimitEngine implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RateLimitEngine.class.getName());

  private final RateLimitSettings settings;
  private final MeterRegistry registry;
  private final String gatewayLabel;
  private final RedisBucketStore store;
  private int readyReplicas = 1;

  /** Definition (gateway + canonical JSON) → compiled limits, from the last compile. */
  private Map<String, List<CompiledLimit>> known = Map.of();

  public RateLimitEngine(RateLimitSettings settings, MeterRegistry registry, String gatewayLabel) {
    this.settings = settings;
    this.registry = registry;
    this.gatewayLabel = gatewayLabel;
    this.store =
        settings.redisUrl() == null
            ? null
            : new RedisBucketStore(
                settings.redisUrl(), settings.storeTimeout(), settings.breakerOpen());
  }

  /** Compiled rate limits of one snapshot, by rate-limit name. */
  public synchronized Compiled compile(GatewaySnapshot snapshot) {
    String gateway = snapshot.gateway().namespace() + "/" + snapshot.gateway().name();
    Map<String, List<CompiledLimit>> next = new HashMap<>();
    Map<String, List<CompiledLimit>> byName = new HashMap<>();
    for (RateLimit rl : snapshot.routing().rateLimits()) {
      String definition = gateway + " " + CanonicalJson.toJson(rl);
      List<CompiledLimit> limits = known.get(definition);
      if (limits == null) {
        limits = build(gateway, rl);
      }
      next.put(definition, limits);
      byName.put(rl.name(), limits);
      if (rl.scope() == RateLimit.Scope.GLOBAL && store == null) {
        LOG.warning(
            () ->
                "rateLimits."
                    + rl.name()
                    + ".scope: GLOBAL (expected: a proxy started with --redis-url; until then its"
                    + " failureMode "
                    + rl.failureMode()
                    + " applies to every request)");
      }
    }
    known = next;
    return new Compiled(byName);
  }

  private List<CompiledLimit> build(String gateway, RateLimit rl) {
    RateLimitMetrics metrics = new RateLimitMetrics(registry, gatewayLabel, rl.name());
    String prefix = "gantry:rl:" + gateway + ":" + rl.name() + ":" + ContentHash.of(rl) + ":";
    List<CompiledLimit> out = new ArrayList<>(rl.limits().size());
    for (Limit limit : rl.limits()) {
      out.add(
          rl.scope() == RateLimit.Scope.GLOBAL
              ? new GlobalLimit(
                  limit, prefix, rl.failureMode() == RateLimit.FailureMode.OPEN, store, metrics)
              : new LocalLimit(
                  limit, rl.gatewayWide(), readyReplicas, settings.localKeyCap(), metrics));
    }
    return out;
  }

  /**
   * Sets the number of ready proxies of this Gateway (the operator sends it; standalone is 1).
   * Gateway-wide Local limits switch to their new share on each bucket's next use.
   */
  public synchronized void readyReplicas(int replicas) {
    if (replicas < 1) {
      throw new IllegalArgumentException("readyReplicas: " + replicas + " (expected: >= 1)");
    }
    readyReplicas = replicas;
    for (List<CompiledLimit> limits : known.values()) {
      for (CompiledLimit l : limits) {
        if (l instanceof LocalLimit local) {
          local.replicas(replicas);
        }
      }
    }
  }

  public synchronized int readyReplicas() {
    return readyReplicas;
  }

  public RateLimitSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }

  /** The rate limits of one compiled config; builds the step of each route. */
  public final class Compiled {
    private final Map<String, List<CompiledLimit>> byName;
    private final Map<String, RateLimitStep> steps = new HashMap<>();

    private Compiled(Map<String, List<CompiledLimit>> byName) {
      this.byName = byName;
    }

    /**
     * The step for a route on a listener with {@code listenerPolicies} whose rule has {@code
     * rulePolicies}, or {@code null} when no rate limit applies. Routes with the same policies
     * share one step.
     */
    public RateLimitStep step(
        List<PolicyRef> listenerPolicies, List<PolicyRef> rulePolicies, boolean cors) {
      List<CompiledLimit> limits = new ArrayList<>();
      StringBuilder id = new StringBuilder(cors ? "cors" : "plain");
      for (List<PolicyRef> refs : List.of(listenerPolicies, rulePolicies)) {
        for (PolicyRef ref : refs) {
          List<CompiledLimit> l = RateLimit.KIND.equals(ref.kind()) ? byName.get(ref.name()) : null;
          if (l != null) {
            limits.addAll(l);
            id.append('|').append(ref.name());
          }
        }
      }
      if (limits.isEmpty()) {
        return null;
      }
      return steps.computeIfAbsent(
          id.toString(),
          k ->
              new RateLimitStep(
                  limits, cors, settings.headersOnAllowed(), settings.trustedProxyDepth()));
    }
  }
}
