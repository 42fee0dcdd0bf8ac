package dev.gantry.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/** Free TCP ports on loopback addresses, for the processes this tier starts. */
final class Ports {

  private Ports() {}

  /** An ephemeral port free on {@code host} right now. */
  static int free(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on " + host + ": " + e.getMessage(), e);
    }
  }

  /**
   * One port free on every host at once: the replicas of a fleet each bind the Gateway's listener
   * port on their own 127.0.0.x, as pods do on their own IPs.
   */
  static int freeOnAll(List<String> hosts) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int candidate = free(hosts.getFirst());
      if (hosts.stream().allMatch(h -> bindable(h, candidate))) {
        return candidate;
      }
    }
    throw new IllegalStateException("no port free on all of " + hosts + " after 50 tries");
  }

  private static boolean bindable(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
