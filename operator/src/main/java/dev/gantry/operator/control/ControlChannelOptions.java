package dev.gantry.operator.control;

/**
 * How this replica secures the snapshot stream, as the command line chose it.
 *
 * @param insecure plaintext and no authentication ({@code --insecure-control-channel}): for
 *     standalone runs and tests only; fleets then get {@code --insecure-control-channel} too
 * @param caNamespace namespace of the CA Secret (the operator's own)
 * @param caSecret name of the CA Secret ({@code --ca-secret})
 * @param policy CA and serving certificate lifetimes
 * @param podIp this replica's pod IP, an IP SAN of its serving certificate (null when unknown)
 */
public record ControlChannelOptions(
    boolean insecure, String caNamespace, String caSecret, CaRotationPolicy policy, String podIp) {

  public ControlChannelOptions {
    if (!insecure) {
      if (caSecret == null || caSecret.isBlank()) {
        throw new IllegalArgumentException(
            "--ca-secret: "
                + caSecret
                + " (expected: a Secret name, or --insecure-control-channel)");
      }
      if (caNamespace == null || caNamespace.isBlank()) {
        throw new IllegalArgumentException(
            "CA namespace: "
                + caNamespace
                + " (expected: the operator's namespace, POD_NAMESPACE)");
      }
      if (policy == null) {
        throw new IllegalArgumentException("CA policy: null (expected: a CaRotationPolicy)");
      }
    }
  }

  /** Plaintext, unauthenticated. */
  public static ControlChannelOptions insecureChannel() {
    return new ControlChannelOptions(true, null, null, null, null);
  }

  public static ControlChannelOptions secured(
      String caNamespace, String caSecret, CaRotationPolicy policy, String podIp) {
    return new ControlChannelOptions(false, caNamespace, caSecret, policy, podIp);
  }
}
