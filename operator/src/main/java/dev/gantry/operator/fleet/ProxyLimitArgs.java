package dev.gantry.operator.fleet;

import dev.gantry.api.v1alpha1.ProxyLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code gantry proxy} flags for a fleet's {@link ProxyLimits}. Only fields that are set become
 * flags, so an unset one keeps the proxy's built-in default and the pod spec (and with it the
 * rollout) does not change when only the proxy's defaults do.
 */
final class ProxyLimitArgs {

  private ProxyLimitArgs() {}

  /**
   * @throws IllegalArgumentException naming the field when the body size is not a whole number of
   *     bytes (the CRD's pattern admits fractions such as {@code 0.5})
   */
  static List<String> of(ProxyLimits limits) {
    List<String> args = new ArrayList<>();
    if (limits == null) {
      return args;
    }
    add(args, "--max-request-headers", limits.maxRequestHeaders());
    // Bytes rather than the quantity as written: the operator has validated it, and the proxy
    // then never sees a notation (1.5Ki, 1e6) it might read differently.
    add(args, "--max-request-body", limits.maxRequestBodyBytes());
    add(args, "--request-header-timeout", limits.requestHeaderTimeout());
    add(args, "--max-connections", limits.maxConnections());
    add(args, "--max-concurrent-streams", limits.maxConcurrentStreams());
    return args;
  }

  private static void add(List<String> args, String flag, Object value) {
    if (value != null) {
      args.add(flag);
      args.add(value.toString());
    }
  }
}
