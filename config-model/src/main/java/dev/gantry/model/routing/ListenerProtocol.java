package dev.gantry.model.routing;

/**
 * The protocols a Gantry listener serves. Gateway API listeners of other protocols never reach the
 * config.
 */
public enum ListenerProtocol {
  HTTP,
  HTTPS
}
