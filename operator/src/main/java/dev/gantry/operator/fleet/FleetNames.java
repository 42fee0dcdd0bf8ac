package dev.gantry.operator.fleet;

import dev.gantry.model.ContentHash;
import java.nio.charset.StandardCharsets;

/**
 * Names of a Gateway's fleet objects: {@code gantry-<gateway>}, shortened to a valid DNS label (at
 * most 63 characters) by truncating and appending a hash of {@code namespace/name}, so two long
 * Gateway names that share a prefix still get distinct fleets.
 */
public final class FleetNames {

  public static final int MAX = 63;

  private FleetNames() {}

  public static String fleetName(String namespace, String gatewayName) {
    return shorten("gantry-" + gatewayName, namespace + "/" + gatewayName);
  }

  /** A label value (≤ 63 characters) identifying the Gateway, for selectors. */
  public static String labelValue(String namespace, String gatewayName) {
    return shorten(gatewayName, namespace + "/" + gatewayName);
  }

  static String shorten(String name, String identity) {
    if (name.length() <= MAX) {
      return name;
    }
    String hash = ContentHash.ofBytes(identity.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    String head = name.substring(0, MAX - hash.length() - 1);
    // A DNS label may not end in '-' or '.' before the separator we add.
    while (head.endsWith("-") || head.endsWith(".")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + hash;
  }
}
