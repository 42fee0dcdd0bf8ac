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
 */
public record ProxyControlOptions(
    String operator, String gateway, String nodeId, Path snapshotFile) {

  /** Matches {@code images/proxy/Dockerfile} and the fleet Deployment's emptyDir mount. */
  public static final String DEFAULT_SNAPSHOT_FILE = "/var/lib/gantry/snapshot.json";

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
  }

  /** A client for these options; the caller starts it and wires {@code isReady} to /ready. */
  public SnapshotClient client(SnapshotSink sink) {
    return new SnapshotClient(
        operator, gateway, nodeId, sink, new SnapshotFile(snapshotFile), Backoff.defaults());
  }
}
