package dev.gantry.proxy.filter;

import dev.gantry.model.routing.filter.Cors;
import dev.gantry.model.routing.filter.Filter;
import dev.gantry.model.routing.filter.RequestHeaderModifier;
import dev.gantry.model.routing.filter.RequestMirror;
import dev.gantry.model.routing.filter.RequestRedirect;
import dev.gantry.model.routing.filter.ResponseHeaderModifier;
import dev.gantry.model.routing.filter.UrlRewrite;

/**
 * One compiled filter of a rule or backend, run in list order by the request exchange. Compiled
 * once per config, so a request only walks an array of these.
 */
public sealed interface FilterStep {

  record RequestHeaders(HeaderOps ops) implements FilterStep {}

  record ResponseHeaders(HeaderOps ops) implements FilterStep {}

  record Redirect(RedirectAction action) implements FilterStep {}

  /**
   * @param hostname the new upstream Host, or null; @param path the path rewriter, or null
   */
  record Rewrite(String hostname, PathRewriter path) implements FilterStep {}

  /**
   * Mirror a share {@code numerator/denominator} of requests to a cluster.
   *
   * @param cluster the cluster name, resolved against the same compiled config
   */
  record Mirror(String cluster, int numerator, int denominator) implements FilterStep {
    /** Decides with a random draw; 100% and 0% never draw. */
    public boolean sampled() {
      if (numerator >= denominator) {
        return true;
      }
      if (numerator <= 0) {
        return false;
      }
      return java.util.concurrent.ThreadLocalRandom.current().nextInt(denominator) < numerator;
    }
  }

  record CorsStep(CorsPolicy policy) implements FilterStep {}

  static FilterStep of(Filter filter) {
    return switch (filter) {
      case RequestHeaderModifier f -> new RequestHeaders(new HeaderOps(f.headers()));
      case ResponseHeaderModifier f -> new ResponseHeaders(new HeaderOps(f.headers()));
      case RequestRedirect f -> new Redirect(new RedirectAction(f));
      case UrlRewrite f ->
          new Rewrite(f.hostname(), f.path() == null ? null : new PathRewriter(f.path()));
      case RequestMirror f -> new Mirror(f.cluster(), f.numerator(), f.denominator());
      case Cors f -> new CorsStep(new CorsPolicy(f));
    };
  }

  static FilterStep[] of(java.util.List<Filter> filters) {
    return filters.stream().map(FilterStep::of).toArray(FilterStep[]::new);
  }
}
