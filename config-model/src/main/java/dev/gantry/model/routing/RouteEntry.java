package dev.gantry.model.routing;

import dev.gantry.model.SourceRef;
import dev.gantry.model.Validator;

/**
 * One match of one rule, placed in a virtual host's ordered route list.
 *
 * @param name stable id built from the source, e.g. {@code httproute/ns/name/rule/0/match/1}
 * @param source the HTTPRoute (section = rule name or index)
 * @param match the conditions
 * @param rule the name of the {@link Rule} that handles a matching request
 */
public record RouteEntry(String name, SourceRef source, RouteMatch match, String rule) {

  public RouteEntry {
    match = match == null ? new RouteMatch(null, null, null, null) : match;
  }

  public void validate(Validator v) {
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
    v.require(rule != null && !rule.isEmpty(), "rule", rule, "non-empty");
    v.require(source != null, "source", source, "non-null");
    match.validate(v.at("match"));
  }
}
