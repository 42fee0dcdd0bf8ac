package dev.gantry.model.routing.backend;

import dev.gantry.model.Validator;

/**
 * How a request picks an endpoint among the available ones.
 *
 * @param type the algorithm
 * @param hashOn what {@link Type#CONSISTENT_HASH} hashes; required for it, {@code null} otherwise
 * @param hashTable the consistent-hash structure; {@code null} unless {@code CONSISTENT_HASH}
 * @param slowStartMs new endpoints ramp from a small share to their full share over this window (0
 *     = off); applies to ROUND_ROBIN and LEAST_REQUEST
 */
public record LoadBalancing(Type type, HashOn hashOn, HashTable hashTable, long slowStartMs) {

  public enum Type {
    /** Smooth weighted round robin. */
    ROUND_ROBIN,
    /** Power of two random choices by active requests (the default). */
    LEAST_REQUEST,
    /** A request key maps to a stable endpoint. */
    CONSISTENT_HASH
  }

  public enum HashTable {
    RING,
    MAGLEV
  }

  public static final LoadBalancing DEFAULT = new LoadBalancing(Type.LEAST_REQUEST, null, null, 0);

  public LoadBalancing {
    type = type == null ? Type.LEAST_REQUEST : type;
    if (type == Type.CONSISTENT_HASH && hashTable == null) {
      hashTable = HashTable.MAGLEV;
    }
  }

  public void validate(Validator v) {
    if (type == Type.CONSISTENT_HASH) {
      v.require(hashOn != null, "hashOn", hashOn, "set for CONSISTENT_HASH");
      v.nested("hashOn", hashOn, c -> hashOn.validate(c));
    } else {
      v.require(hashOn == null, "hashOn", hashOn, "only with CONSISTENT_HASH");
    }
    v.require(slowStartMs >= 0, "slowStartMs", slowStartMs, ">= 0");
  }
}
