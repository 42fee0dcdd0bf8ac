package dev.gantry.proxy.control;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * What the control channel needs to know, as {@code gantry proxy} parsed it (the CLI is the one
 * parser; this is the value it hands over). The constructor validates so that an embedding other
 * than the CLI (tests, a future sidecar) gets the same errors.
 *
 * @param operator the operator's snapshot service, {@code host:port}
 * @param gateway {@code namespace/name}
 * @param nodeId this proxy's id in ACKs and the Gateway's status
 * @param snapshotFile where the last good snapshot is persisted
 * @param controlCa the CA bundle the operator's certificate must chain to (ignored when insecure)
 * @param controlTokenFile the projected token sent to the operator (ignored when insecure)
 * @param insecureControlChannel plaintext and no token: standalone runs and tests only
 */
public record ProxyControlOptions(
    String operator,
    String gateway,
    String nodeId,
    Path snapshotFile,
    Path controlCa,
    Path controlTokenFile,
    boolean insecureControlChannel) {

  /** Matches {@code images/proxy/Dockerfile} and the fleet Deployment's emptyDir mount. */
  public static final String DEFAULT_SNAPSHOT_FILE = "/var/lib/gantry/snapshot.json";

  /** Where the fleet Deployment mounts the operator's CA bundle ConfigMap. */
  public static final String DEFAULT_CONTROL_CA = "/etc/gantry/control-ca/ca.crt";

  /** Where the fleet Deployment mounts the projected, audience-bound token. */
  public static final String DEFAULT_CONTROL_TOKEN_FILE = "/var/run/secrets/gantry/token";

  private static final Pattern HOST_PORT =
      Pattern.compile("[^\\s:/\\[\\]]+:\\d{1,5}|\\[[0-9a-fA-F:]+\\]:\\d{1,5}");
  private static final Pattern GATEWAY =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?");

  public ProxyControlOptions {
    if (operator == null || !HOST_PORT.matcher(operator).matches()) {
      throw new IllegalArgumentException("--operator: " + operator + " (expected: host:port)");
    }
    if (gateway == null || !GATEWAY.matcher(gateway).matches()) {
      throw new IllegalArgumentException("--gateway: " + gateway + " (expected: namespace/name)");
    }
    if (nodeId == null || nodeId.isBlank()) {
      throw new IllegalArgumentException(
          "--node-id: " + nodeId + " (expected: non-empty, or POD_NAME/HOSTNAME set)");
    }
    if (snapshotFile == null) {
      throw new IllegalArgumentException("--snapshot-file: null (expected: a file path)");
    }
    if (!insecureControlChannel && (controlCa == null || controlTokenFile == null)) {
      throw new IllegalArgumentException(
          (controlCa == null ? "--control-ca" : "--control-token-file")
              + ": null (expected: a file path, or --insecure-control-channel)");
    }
  }

  /** A client for these options; the caller starts it and wires {@code isReady} to /ready. */
  public SnapshotClient client(SnapshotSink sink) {
    return new SnapshotClient(
        operator,
        gateway,
        nodeId,
        sink,
        new SnapshotFile(snapshotFile),
        Backoff.defaults(),
        insecureControlChannel
            ? ControlChannelCredentials.insecure()
            : ControlChannelCredentials.tls(
                controlCa, controlTokenFile, ControlChannelCredentials.DEFAULT_CA_RELOAD));
  }
}
