package dev.gantry.proxy.cli;

import dev.gantry.proxy.ratelimit.RateLimitSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The rate-limit options shared by {@code gantry proxy} and {@code gantry standalone}. */
final class RateLimitOptions {

  @Option(
      names = "--redis-url",
      description =
          "Redis of Global RateLimitPolicies, e.g. redis://127.0.0.1:6379 (default: none; Global"
              + " limits then apply their failureMode).")
  String redisUrl;

  @Option(
      names = "--ratelimit-store-timeout-ms",
      defaultValue = "50",
      description =
          "Longest wait for the rate-limit store before failureMode applies (default:"
              + " ${DEFAULT-VALUE}).")
  long storeTimeoutMs;

  @Option(
      names = "--trusted-proxy-depth",
      defaultValue = "0",
      description =
          "Proxies in front of Gantry that append to X-Forwarded-For; a clientIP key takes the"
              + " entry this many places from the right (default: ${DEFAULT-VALUE} = TCP peer).")
  int trustedProxyDepth;

  @Option(
      names = "--ratelimit-headers",
      defaultValue = "true",
      negatable = true,
      description = "Send the RateLimit header on allowed responses (default: ${DEFAULT-VALUE}).")
  boolean headersOnAllowed;

  RateLimitSettings settings() {
    return new RateLimitSettings(
        redisUrl,
        Duration.ofMillis(storeTimeoutMs),
        null,
        trustedProxyDepth,
        headersOnAllowed,
        RateLimitSettings.DEFAULT_LOCAL_KEY_CAP);
  }
}
