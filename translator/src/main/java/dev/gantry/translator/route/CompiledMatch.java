package dev.gantry.translator.route;

import dev.gantry.model.routing.PathMatchType;
import dev.gantry.model.routing.RouteEntry;

/**
 * One route entry plus the precomputed keys {@link MatchPrecedence} sorts by, so that sorting ten
 * thousand entries never re-derives them.
 */
public record CompiledMatch(
    RouteEntry entry,
    PathMatchType pathType,
    int pathLength,
    boolean hasMethod,
    int headerCount,
    int queryCount,
    String creationTimestamp,
    String routeKey,
    int ruleIndex,
    int matchIndex) {}
