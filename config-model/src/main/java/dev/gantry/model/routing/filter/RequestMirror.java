package dev.gantry.model.routing.filter;

import dev.gantry.model.Validator;

/**
 * Sends a copy of the request to another cluster; its response is ignored and never affects the
 * primary one.
 *
 * @param cluster the mirror cluster
 * @param numerator with {@code denominator}, the share of requests mirrored (100/100 when the user
 *     set nothing)
 * @param denominator see numerator
 */
public record RequestMirror(String cluster, int numerator, int denominator) implements Filter {

  @Override
  public void validate(Validator v) {
    v.require(cluster != null && !cluster.isEmpty(), "cluster", cluster, "non-empty");
    v.require(denominator >= 1, "denominator", denominator, ">= 1");
    v.require(numerator >= 0 && numerator <= denominator, "numerator", numerator, "0..denominator");
  }
}
