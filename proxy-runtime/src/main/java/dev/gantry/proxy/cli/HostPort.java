package dev.gantry.proxy.cli;

/** A {@code host:port} option value. */
record HostPort(String host, int port) {

  static HostPort parse(String value, String option) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(
          option + ": " + value + " (expected: HOST:PORT, e.g. 127.0.0.1:9901)");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + ": " + value + " (expected: a numeric port 0..65535)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(option + ": " + value + " (expected: a port 0..65535)");
    }
    return new HostPort(host, port);
  }
}
