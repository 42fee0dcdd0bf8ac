package dev.gantry.model.routing.backend;

import dev.gantry.model.SourceRef;
import dev.gantry.model.Validator;

/**
 * How the proxy treats one cluster's endpoints: balancing, health, overload protection and
 * connections. Every part is optional; {@code null} means that part's {@code DEFAULT}, so a cluster
 * without any BackendPolicy still gets least-request balancing, passive outlier detection and
 * circuit-breaker limits. Parts that are present are complete: the translator has filled each field
 * the user left out from the part's {@code DEFAULT}.
 *
 * @param source the BackendPolicy this came from, or {@code null} when only defaults apply
 */
public record BackendPolicy(
    SourceRef source,
    LoadBalancing loadBalancing,
    ActiveHealthCheck activeHealthCheck,
    OutlierDetection outlierDetection,
    CircuitBreaker circuitBreaker,
    RetryBudget retryBudget,
    ConnectionSettings connection) {

  /** What applies to a cluster no policy targets. */
  public static final BackendPolicy DEFAULT =
      new BackendPolicy(null, null, null, null, null, null, null);

  public LoadBalancing effectiveLoadBalancing() {
    return loadBalancing == null ? LoadBalancing.DEFAULT : loadBalancing;
  }

  /** {@code null} when no active health check is configured (the default). */
  public ActiveHealthCheck effectiveActiveHealthCheck() {
    return activeHealthCheck;
  }

  public OutlierDetection effectiveOutlierDetection() {
    return outlierDetection == null ? OutlierDetection.DEFAULT : outlierDetection;
  }

  public CircuitBreaker effectiveCircuitBreaker() {
    return circuitBreaker == null ? CircuitBreaker.DEFAULT : circuitBreaker;
  }

  public RetryBudget effectiveRetryBudget() {
    return retryBudget == null ? RetryBudget.DEFAULT : retryBudget;
  }

  public ConnectionSettings effectiveConnection() {
    return connection == null ? ConnectionSettings.DEFAULT : connection;
  }

  public void validate(Validator v) {
    v.nested("loadBalancing", loadBalancing, c -> loadBalancing.validate(c));
    v.nested("activeHealthCheck", activeHealthCheck, c -> activeHealthCheck.validate(c));
    v.nested("outlierDetection", outlierDetection, c -> outlierDetection.validate(c));
    v.nested("circuitBreaker", circuitBreaker, c -> circuitBreaker.validate(c));
    v.nested("retryBudget", retryBudget, c -> retryBudget.validate(c));
    v.nested("connection", connection, c -> connection.validate(c));
  }
}
