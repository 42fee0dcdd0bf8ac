package dev.gantry.proxy.server;

/** Receives what happens on an upstream connection while one exchange (or mirror) owns it. */
interface UpstreamListener {
  void onUpstreamRead(Object msg);

  void onUpstreamInactive();

  void onUpstreamException(Throwable cause);

  void onUpstreamWritabilityChanged();

  /**
   * The upstream read batch is over: whatever was written downstream without a flush goes out now,
   * so a response head and the body read with it leave in one write instead of two.
   */
  default void onUpstreamReadComplete() {}
}
