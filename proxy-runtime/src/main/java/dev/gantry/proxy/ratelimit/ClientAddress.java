package dev.gantry.proxy.ratelimit;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * The client IP a {@code clientIP} key uses. With {@code depth} trusted proxies in front of Gantry
 * each appending the address it saw to {@code X-Forwarded-For}, the client is the entry {@code
 * depth} places from the right: entries further left were written by the client itself and could be
 * forged. A chain shorter than {@code depth} (a misconfigured depth, or a request that bypassed a
 * proxy) falls back to its leftmost entry, and a request without the header to the TCP peer.
 */
public final class ClientAddress {
  private ClientAddress() {}

  public static String resolve(SocketAddress remote, HttpHeaders headers, int depth) {
    if (depth > 0) {
      List<String> values = headers.getAll("x-forwarded-for");
      if (!values.isEmpty()) {
        String[] entries = String.join(",", values).split(",");
        int index = Math.max(0, entries.length - depth);
        String entry = entries[index].trim();
        if (!entry.isEmpty()) {
          return entry;
        }
      }
    }
    if (remote instanceof InetSocketAddress isa && isa.getAddress() != null) {
      return isa.getAddress().getHostAddress();
    }
    return String.valueOf(remote);
  }
}
