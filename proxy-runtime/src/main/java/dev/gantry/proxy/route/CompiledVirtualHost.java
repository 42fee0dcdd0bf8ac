package dev.gantry.proxy.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ordered routes of one hostname; the first matching entry wins. Large tables are indexed by
 * the first path segment: each index list holds, in their original order, the routes whose path can
 * only match that segment plus the routes that can match any path (root prefix, regex), so the
 * first match found is the same one a full scan would find.
 */
public final class CompiledVirtualHost {
  /** Below this size a straight scan is as fast as the index probe. */
  static final int INDEX_THRESHOLD = 16;

  private final String hostname;
  private final CompiledRoute[] routes;
  private final Map<String, CompiledRoute[]> bySegment;
  private final CompiledRoute[] anySegment;

  public CompiledVirtualHost(String hostname, List<CompiledRoute> routes) {
    this.hostname = hostname;
    this.routes = routes.toArray(CompiledRoute[]::new);
    if (routes.size() < INDEX_THRESHOLD) {
      bySegment = null;
      anySegment = null;
      return;
    }
    Map<String, List<CompiledRoute>> lists = new HashMap<>();
    List<CompiledRoute> generic = new ArrayList<>();
    for (CompiledRoute r : routes) {
      String seg = r.matcher().path().firstSegment();
      if (seg == null) {
        generic.add(r);
        for (List<CompiledRoute> l : lists.values()) {
          l.add(r);
        }
      } else {
        // A new segment list starts with every generic route seen so far (their order is before).
        lists.computeIfAbsent(seg, k -> new ArrayList<>(generic)).add(r);
      }
    }
    Map<String, CompiledRoute[]> index = new HashMap<>();
    lists.forEach((k, v) -> index.put(k, v.toArray(CompiledRoute[]::new)));
    bySegment = Map.copyOf(index);
    anySegment = generic.toArray(CompiledRoute[]::new);
  }

  public String hostname() {
    return hostname;
  }

  public CompiledRoute match(RequestView request) {
    CompiledRoute[] candidates = routes;
    if (bySegment != null) {
      candidates = bySegment.getOrDefault(PathMatcher.firstSegmentOf(request.path()), anySegment);
    }
    for (CompiledRoute r : candidates) {
      if (r.matcher().matches(request)) {
        return r;
      }
    }
    return null;
  }
}
