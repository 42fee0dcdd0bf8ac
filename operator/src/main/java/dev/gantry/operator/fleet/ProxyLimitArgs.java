package dev.gantry.operator.fleet;

import dev.gantry.api.v1alpha1.ProxyLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The {@code gantry proxy} flags for a fleet's {@link ProxyLimits}. Only fields that are set become
 * flags, so an unset one keeps the proxy's built-in default and the pod spec (and with it the
 * rollout) does not change when only the proxy's defaults do.
 */
final class ProxyLimitArgs {

  private ProxyLimitArgs() {}

  private static final Logger LOG = Logger.getLogger(ProxyLimitArgs.class.getName());

  /**
   * The flags; a body size that is no whole, positive byte count ({@code 0}, {@code 0.5}: the CRD's
   * quantity pattern admits them) is left out with a warning, so the proxy keeps its default rather
   * than the whole Gateway failing to reconcile over one field.
   */
  static List<String> of(ProxyLimits limits) {
    List<String> args = new ArrayList<>();
    if (limits == null) {
      return args;
    }
    add(args, "--max-request-headers", limits.maxRequestHeaders());
    // Bytes rather than the quantity as written: the operator has validated it, and the proxy
    // then never sees a notation (1.5Ki, 1e6) it might read differently.
    add(args, "--max-request-body", bodyBytes(limits));
    add(args, "--request-header-timeout", limits.requestHeaderTimeout());
    add(args, "--max-connections", limits.maxConnections());
    add(args, "--max-concurrent-streams", limits.maxConcurrentStreams());
    return args;
  }

  private static Long bodyBytes(ProxyLimits limits) {
    try {
      return limits.maxRequestBodyBytes();
    } catch (IllegalArgumentException e) {
      LOG.warning(e.getMessage() + "; the proxy keeps its default");
      return null;
    }
  }

  private static void add(List<String> args, String flag, Object value) {
    if (value != null) {
      args.add(flag);
      args.add(value.toString());
    }
  }
}
