package dev.gantry.proxy.server;

/** Receives what happens on an upstream connection while one exchange (or mirror) owns it. */
interface UpstreamListener {
  void onUpstreamRead(Object msg);

  void onUpstreamInactive();

  void onUpstreamException(Throwable cause);

  void onUpstreamWritabilityChanged();
}
