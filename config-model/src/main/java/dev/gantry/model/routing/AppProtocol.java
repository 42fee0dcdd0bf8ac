package dev.gantry.model.routing;

/**
 * How the proxy talks to a cluster's endpoints, from the Service port's {@code appProtocol}
 * (GEP-1911): plain HTTP/1.1, cleartext HTTP/2 ({@code kubernetes.io/h2c}) or WebSocket-capable
 * HTTP/1.1 ({@code kubernetes.io/ws}).
 */
public enum AppProtocol {
  HTTP1,
  H2C,
  WS
}
