package dev.gantry.operator.control;

import dev.gantry.operator.fleet.FleetNames;

/**
 * Who a proxy proved to be: the ServiceAccount of its pod, from a TokenReview.
 *
 * <p>The mapping to a Gateway is by name: the operator gives each Gateway's fleet exactly one
 * ServiceAccount, {@link FleetNames#fleetName} in the Gateway's namespace, and that ServiceAccount
 * may receive that Gateway's snapshot and no other. A proxy of {@code infra/a} asking for {@code
 * infra/b} or {@code other/a} is refused. (A user who can create ServiceAccounts and mint tokens in
 * a Gateway's namespace could impersonate its fleet; such a user can already read that namespace's
 * Secrets, which is what the snapshot carries.)
 *
 * @param namespace the ServiceAccount's namespace
 * @param serviceAccount its name
 */
public record ProxyIdentity(String namespace, String serviceAccount) {

  static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  /** From a TokenReview username; null when it is not a ServiceAccount's. */
  public static ProxyIdentity fromUsername(String username) {
    if (username == null || !username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      return null;
    }
    String[] parts = username.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return null;
    }
    return new ProxyIdentity(parts[0], parts[1]);
  }

  /** Whether this identity is the fleet ServiceAccount of Gateway {@code namespace/name}. */
  public boolean mayReceive(String gatewayKey) {
    int slash = gatewayKey == null ? -1 : gatewayKey.indexOf('/');
    if (slash <= 0) {
      return false;
    }
    String ns = gatewayKey.substring(0, slash);
    String name = gatewayKey.substring(slash + 1);
    return namespace.equals(ns) && serviceAccount.equals(FleetNames.fleetName(ns, name));
  }

  @Override
  public String toString() {
    return SERVICE_ACCOUNT_PREFIX + namespace + ":" + serviceAccount;
  }
}
