package dev.gantry.proxy.route;

import dev.gantry.proxy.filter.FilterStep;

/**
 * One weighted backend of a rule: a cluster and its backend-level filters, or (invalid reference)
 * the status its share of traffic gets.
 */
public record CompiledBackend(CompiledCluster cluster, int errorStatus, FilterStep[] filters) {}
