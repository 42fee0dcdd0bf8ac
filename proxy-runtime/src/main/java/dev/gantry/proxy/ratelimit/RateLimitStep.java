package dev.gantry.proxy.ratelimit;

import dev.gantry.proxy.route.RequestView;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Every limit that applies to one route (its listener's policies, then its rule's), checked in the
 * request path after routing and before filters. Local limits are checked first, in order, on the
 * event loop (a lock-free bucket, no I/O) and stop at the first that refuses; Global limits then go
 * to the store together, and the request waits for all of them. A request refused by a later limit
 * has still used a token of the earlier ones (as in every token-bucket gateway: taking tokens
 * atomically across stores is not possible).
 */
public final class RateLimitStep {
  private final LocalLimit[] locals;
  private final GlobalLimit[] globals;
  private final boolean needsClient;
  private final boolean corsExempt;
  private final boolean headers;
  private final int trustedProxyDepth;

  RateLimitStep(
      List<CompiledLimit> limits, boolean corsExempt, boolean headers, int trustedProxyDepth) {
    List<LocalLimit> l = new ArrayList<>();
    List<GlobalLimit> g = new ArrayList<>();
    boolean client = false;
    for (CompiledLimit c : limits) {
      switch (c) {
        case LocalLimit x -> l.add(x);
        case GlobalLimit x -> g.add(x);
      }
      client |= c.key().needsClient();
    }
    this.locals = l.toArray(LocalLimit[]::new);
    this.globals = g.toArray(GlobalLimit[]::new);
    this.needsClient = client;
    this.corsExempt = corsExempt;
    this.headers = headers;
    this.trustedProxyDepth = trustedProxyDepth;
  }

  /**
   * True when CORS preflights skip the check: the route's rule has a CORS filter, which answers
   * preflights itself (204) before anything is forwarded. Counting them would charge a browser
   * client twice per call, and a 429 on a preflight surfaces as an opaque CORS error instead of a
   * readable 429 on the real request.
   */
  public boolean corsExempt() {
    return corsExempt;
  }

  /**
   * The decision for a request. Completes at once when only Local limits apply; otherwise on a
   * store thread (callers hop back to their event loop). Never completes exceptionally.
   */
  public CompletableFuture<RateLimitDecision> check(
      RequestView request, SocketAddress remote, HttpHeaders rawHeaders) {
    String client =
        needsClient ? ClientAddress.resolve(remote, rawHeaders, trustedProxyDepth) : null;
    LimitOutcome tightest = null;
    for (LocalLimit limit : locals) {
      if (!limit.applies(request)) {
        continue;
      }
      LimitOutcome o = limit.check(request, client);
      if (!o.allowed()) {
        return CompletableFuture.completedFuture(RateLimitDecision.limited(o));
      }
      tightest = tighter(tightest, o);
    }
    List<CompletableFuture<LimitOutcome>> pending = null;
    for (GlobalLimit limit : globals) {
      if (limit.applies(request)) {
        if (pending == null) {
          pending = new ArrayList<>(globals.length);
        }
        pending.add(limit.check(request, client));
      }
    }
    if (pending == null) {
      return CompletableFuture.completedFuture(RateLimitDecision.allowed(tightest, headers));
    }
    LimitOutcome localTightest = tightest;
    List<CompletableFuture<LimitOutcome>> all = pending;
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              LimitOutcome t = localTightest;
              LimitOutcome refused = null;
              boolean unavailable = false;
              for (CompletableFuture<LimitOutcome> f : all) {
                LimitOutcome o = f.join();
                if (o.storeFailed()) {
                  unavailable |= !o.allowed();
                } else if (!o.allowed()) {
                  refused = refused == null ? o : refused;
                } else {
                  t = tighter(t, o);
                }
              }
              if (refused != null) {
                return RateLimitDecision.limited(refused);
              }
              if (unavailable) {
                return RateLimitDecision.UNAVAILABLE;
              }
              return RateLimitDecision.allowed(t, headers);
            });
  }

  private static LimitOutcome tighter(LimitOutcome a, LimitOutcome b) {
    return a == null || b.remaining() < a.remaining() ? b : a;
  }
}
