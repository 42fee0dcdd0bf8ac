package dev.gantry.proxy;

import dev.gantry.proxy.ratelimit.RateLimitSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.NettyRuntime;
import java.util.function.IntUnaryOperator;

/**
 * How a {@link GantryProxy} runs.
 *
 * @param listenAddress the address listeners bind, e.g. {@code 0.0.0.0}
 * @param portMapper configured listener port → port to bind (tests map to 0 = ephemeral)
 * @param eventLoopThreads event loop threads; 0 = one per CPU the JVM may use
 * @param registry where the proxy's meters go
 * @param gatewayLabel the {@code gateway} tag on every meter
 * @param rateLimits how rate limits are enforced (Redis store, timeouts, client IP depth)
 */
public record ProxySettings(
    String listenAddress,
    IntUnaryOperator portMapper,
    int eventLoopThreads,
    PrometheusMeterRegistry registry,
    String gatewayLabel,
    RateLimitSettings rateLimits) {

  /** Settings with default rate limiting (no Redis store). */
  public ProxySettings(
      String listenAddress,
      IntUnaryOperator portMapper,
      int eventLoopThreads,
      PrometheusMeterRegistry registry,
      String gatewayLabel) {
    this(
        listenAddress,
        portMapper,
        eventLoopThreads,
        registry,
        gatewayLabel,
        RateLimitSettings.defaults());
  }

  public ProxySettings {
    if (listenAddress == null || listenAddress.isEmpty()) {
      throw new IllegalArgumentException(
          "listenAddress: " + listenAddress + " (expected: an address to bind, e.g. 0.0.0.0)");
    }
    if (eventLoopThreads < 0) {
      throw new IllegalArgumentException(
          "eventLoopThreads: " + eventLoopThreads + " (expected: >= 0, 0 = number of cores)");
    }
    portMapper = portMapper == null ? IntUnaryOperator.identity() : portMapper;
    registry = registry == null ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : registry;
    gatewayLabel = gatewayLabel == null ? "" : gatewayLabel;
    rateLimits = rateLimits == null ? RateLimitSettings.defaults() : rateLimits;
  }

  /**
   * The event loops to start: 0 means one per CPU the JVM may use (its affinity mask or container
   * CPU limit), not Netty's default of two per CPU. Two loops sharing one CPU only take turns,
   * paying a context switch each time (measured: 21.3 → 20.6 µs of CPU per proxied request with the
   * proxy pinned to one core, docs/performance.md).
   */
  public int resolvedEventLoops() {
    return eventLoopThreads > 0 ? eventLoopThreads : NettyRuntime.availableProcessors();
  }

  /** All interfaces, ports as configured, one event loop per core, a fresh registry. */
  public static ProxySettings defaults() {
    return new ProxySettings(
        "0.0.0.0",
        IntUnaryOperator.identity(),
        0,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        "");
  }
}
