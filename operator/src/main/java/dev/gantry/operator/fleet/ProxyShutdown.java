package dev.gantry.operator.fleet;

/**
 * How a fleet's proxy pods shut down: the {@code gantry proxy} drain flags and the pod's grace
 * period, which must exceed them.
 *
 * <p>On a pod's deletion Kubernetes marks its endpoint terminating and sends SIGTERM at the same
 * time; kube-proxy and cloud load balancers apply the endpoint change asynchronously. The proxy
 * therefore fails {@code /ready} at once but keeps serving for the drain period (telling HTTP/1.1
 * clients {@code Connection: close} and HTTP/2 clients GOAWAY), so the 5 s cover the readiness
 * probe ({@code periodSeconds: 2}, {@code failureThreshold: 2} = 4 s) and the usual propagation
 * delay. No preStop sleep is needed: the proxy's own drain period plays that part, and it also
 * applies outside Kubernetes. Then the listeners close and requests in flight get up to 30 s. The
 * kubelet's SIGKILL comes only after {@link #GRACE_SECONDS}, 10 s more than the whole drain.
 */
final class ProxyShutdown {
  static final int DRAIN_PERIOD_SECONDS = 5;
  static final int DRAIN_TIMEOUT_SECONDS = 30;

  /** terminationGracePeriodSeconds: the drain plus a margin for the JVM to stop. */
  static final long GRACE_SECONDS = DRAIN_PERIOD_SECONDS + DRAIN_TIMEOUT_SECONDS + 10;

  private ProxyShutdown() {}

  static java.util.List<String> args() {
    return java.util.List.of(
        "--drain-period",
        DRAIN_PERIOD_SECONDS + "s",
        "--drain-timeout",
        DRAIN_TIMEOUT_SECONDS + "s");
  }
}
