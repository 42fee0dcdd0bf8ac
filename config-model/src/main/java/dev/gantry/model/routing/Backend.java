package dev.gantry.model.routing;

import dev.gantry.model.Lists;
import dev.gantry.model.SourceRef;
import dev.gantry.model.Validator;
import dev.gantry.model.routing.filter.Filter;
import java.util.List;

/**
 * One weighted backendRef of a rule.
 *
 * @param cluster the cluster to forward to, or {@code null} when the reference is invalid
 * @param weight the relative weight (0 = no traffic)
 * @param errorStatus for an invalid reference: the status its share of traffic gets (500 per the
 *     spec)
 * @param filters backendRef-level filters, run only when this backend is chosen
 * @param source the route and rule this reference came from
 */
public record Backend(
    String cluster, int weight, Integer errorStatus, List<Filter> filters, SourceRef source) {

  public Backend {
    filters = Lists.copy(filters);
  }

  public void validate(Validator v) {
    v.require(weight >= 0 && weight <= 1_000_000, "weight", weight, "0..1000000");
    v.require(
        (cluster == null) != (errorStatus == null),
        "cluster",
        cluster,
        "either a cluster or an errorStatus, not both");
    if (errorStatus != null) {
      v.require(errorStatus >= 400 && errorStatus <= 599, "errorStatus", errorStatus, "400..599");
    }
    v.each("filters", filters, Filter::validate);
  }
}
