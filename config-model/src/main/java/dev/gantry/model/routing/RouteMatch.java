package dev.gantry.model.routing;

import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.List;
import java.util.Set;

/**
 * One Gateway API match: every condition must hold (AND). {@code method} is {@code null} when any
 * method matches.
 */
public record RouteMatch(
    PathMatch path, List<HeaderMatch> headers, List<QueryParamMatch> queryParams, String method) {

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  public RouteMatch {
    path = path == null ? PathMatch.ROOT : path;
    headers = Lists.copy(headers);
    queryParams = Lists.copy(queryParams);
    method = Lists.emptyToNull(method);
  }

  public void validate(Validator v) {
    path.validate(v.at("path"));
    v.each("headers", headers, HeaderMatch::validate);
    v.each("queryParams", queryParams, QueryParamMatch::validate);
    if (method != null) {
      v.require(
          METHODS.contains(method),
          "method",
          method,
          "one of " + METHODS.stream().sorted().toList());
    }
  }
}
