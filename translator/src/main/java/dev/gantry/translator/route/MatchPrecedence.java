package dev.gantry.translator.route;

import dev.gantry.model.routing.PathMatchType;
import java.util.Comparator;

/**
 * Gateway API match precedence (§2.3), most specific first: Exact path, then longest PathPrefix
 * (regular expressions, whose precedence the spec leaves to implementations, sit between the two as
 * in Envoy Gateway: after exact paths, before prefixes, so that a regex is never shadowed by {@code
 * /}), a method match, more header matches, more query matches, the oldest route, the route first
 * by namespace/name, and finally rule and match order within the route.
 */
public final class MatchPrecedence {

  public static final Comparator<CompiledMatch> ORDER =
      Comparator.comparingInt((CompiledMatch m) -> typeRank(m.pathType()))
          .thenComparing(Comparator.comparingInt(CompiledMatch::pathLength).reversed())
          .thenComparing(m -> !m.hasMethod())
          .thenComparing(Comparator.comparingInt(CompiledMatch::headerCount).reversed())
          .thenComparing(Comparator.comparingInt(CompiledMatch::queryCount).reversed())
          .thenComparing(CompiledMatch::creationTimestamp)
          .thenComparing(CompiledMatch::routeKey)
          .thenComparingInt(CompiledMatch::ruleIndex)
          .thenComparingInt(CompiledMatch::matchIndex);

  private MatchPrecedence() {}

  private static int typeRank(PathMatchType type) {
    return switch (type) {
      case EXACT -> 0;
      case REGULAR_EXPRESSION -> 1;
      case PATH_PREFIX -> 2;
    };
  }
}
