package dev.gantry.proxy.control;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The control-channel flags of {@code gantry proxy}: {@code --operator HOST:PORT --gateway
 * NAMESPACE/NAME [--node-id ID] [--snapshot-file PATH] [--log-level LEVEL]}, as the operator's
 * Deployment passes them. Other flags are left to the command that embeds these.
 *
 * @param operator the operator's snapshot service, {@code host:port}
 * @param gateway {@code namespace/name}
 * @param nodeId this proxy's id; defaults to {@code POD_NAME}, then {@code HOSTNAME}
 * @param snapshotFile where the last good snapshot is persisted
 * @param logLevel the proxy's log level
 */
public record ProxyControlOptions(
    String operator, String gateway, String nodeId, Path snapshotFile, String logLevel) {

  public static final Path DEFAULT_SNAPSHOT_FILE = Path.of("/var/lib/gantry/snapshot.json");

  private static final Pattern HOST_PORT =
      Pattern.compile("[^\\s:/]+:\\d{1,5}|\\[[0-9a-fA-F:]+\\]:\\d{1,5}");
  private static final Pattern GATEWAY =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?");

  public static ProxyControlOptions parse(List<String> args, Map<String, String> env) {
    String operator = null;
    String gateway = null;
    String nodeId = env.getOrDefault("POD_NAME", env.get("HOSTNAME"));
    Path file = DEFAULT_SNAPSHOT_FILE;
    String logLevel = "info";
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (!flag.startsWith("--")) {
        continue;
      }
      String value = i + 1 < args.size() ? args.get(i + 1) : null;
      switch (flag) {
        case "--operator" -> operator = require(flag, value);
        case "--gateway" -> gateway = require(flag, value);
        case "--node-id" -> nodeId = require(flag, value);
        case "--snapshot-file" -> file = Path.of(require(flag, value));
        case "--log-level" -> logLevel = require(flag, value);
        default -> {
          continue;
        }
      }
      i++;
    }
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
    return new ProxyControlOptions(operator, gateway, nodeId, file, logLevel);
  }

  private static String require(String flag, String value) {
    if (value == null || value.startsWith("--")) {
      throw new IllegalArgumentException(flag + ": " + value + " (expected: a value)");
    }
    return value;
  }

  /** A client for these options; the caller starts it and wires {@code isReady} to /ready. */
  public SnapshotClient client(SnapshotSink sink) {
    return new SnapshotClient(
        operator, gateway, nodeId, sink, new SnapshotFile(snapshotFile), Backoff.defaults());
  }
}
