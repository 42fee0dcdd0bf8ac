package dev.gantry.model.endpoints;

import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.List;

/**
 * The endpoints of one cluster; an empty list means the cluster exists but has nothing to send to
 * (503).
 */
public record ClusterEndpoints(String cluster, List<Endpoint> endpoints) {

  public ClusterEndpoints {
    endpoints = Lists.copy(endpoints);
  }

  public void validate(Validator v) {
    v.require(cluster != null && !cluster.isEmpty(), "cluster", cluster, "non-empty");
    v.each("endpoints", endpoints, Endpoint::validate);
  }
}
