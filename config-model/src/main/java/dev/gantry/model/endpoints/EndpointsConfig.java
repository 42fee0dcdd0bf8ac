package dev.gantry.model.endpoints;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.gantry.model.ContentHash;
import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The endpoints part of a Gateway's snapshot, one entry per cluster, sorted by cluster name. It
 * changes without the routing part being re-translated (EDS-like), so endpoint churn never waits on
 * a route rebuild.
 */
public record EndpointsConfig(String version, List<ClusterEndpoints> clusters) {

  public EndpointsConfig {
    clusters = Lists.copy(clusters);
  }

  public static EndpointsConfig of(List<ClusterEndpoints> clusters) {
    return new EndpointsConfig(ContentHash.of(new EndpointsConfig(null, clusters)), clusters);
  }

  @JsonIgnore
  public String computedVersion() {
    return ContentHash.of(new EndpointsConfig(null, clusters));
  }

  public void validate(Validator v) {
    v.require(
        version != null && version.equals(computedVersion()),
        "version",
        version,
        "the content hash " + computedVersion());
    v.each("clusters", clusters, ClusterEndpoints::validate);
    Set<String> seen = new HashSet<>();
    for (ClusterEndpoints c : clusters) {
      if (c != null && !seen.add(c.cluster())) {
        v.fail("clusters", c.cluster(), "unique cluster names");
      }
    }
  }
}
