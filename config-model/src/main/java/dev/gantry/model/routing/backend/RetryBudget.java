package dev.gantry.model.routing.backend;

import dev.gantry.model.Validator;

/**
 * GEP-3388: retries to a cluster may be at most {@code percent} % of its active requests, but
 * {@code minRetryConcurrency} retries are always allowed, so retries cannot multiply load on a
 * backend that is already failing.
 */
public record RetryBudget(int percent, int minRetryConcurrency) {

  public static final RetryBudget DEFAULT = new RetryBudget(20, 3);

  public void validate(Validator v) {
    v.require(percent >= 0 && percent <= 100, "percent", percent, "0..100");
    v.require(minRetryConcurrency >= 0, "minRetryConcurrency", minRetryConcurrency, ">= 0");
  }
}
