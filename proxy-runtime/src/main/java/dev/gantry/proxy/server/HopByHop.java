package dev.gantry.proxy.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Removes the headers that belong to one connection only (RFC 9110 §7.6.1). */
public final class HopByHop {
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final String H2_EXTENSION_PREFIX = "x-http2-";

  private HopByHop() {}

  /**
   * Strips Connection and every header it names, Keep-Alive, Proxy-Connection, TE, Trailer,
   * Transfer-Encoding and Upgrade, plus Netty's internal {@code x-http2-*} conversion headers.
   */
  public static void strip(HttpHeaders headers) {
    if (headers.contains(HttpHeaderNames.CONNECTION)) {
      for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
        for (String token : value.split(",")) {
          String name = token.trim();
          if (!name.isEmpty()) {
            headers.remove(name);
          }
        }
      }
      headers.remove(HttpHeaderNames.CONNECTION);
    }
    headers.remove(HttpHeaderNames.KEEP_ALIVE);
    headers.remove(PROXY_CONNECTION);
    headers.remove(HttpHeaderNames.TE);
    headers.remove(HttpHeaderNames.TRAILER);
    headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
    headers.remove(HttpHeaderNames.UPGRADE);
    stripHttp2Extensions(headers);
  }

  /** Netty's HTTP/2 ↔ HTTP/1 conversion adds {@code x-http2-*} headers; they never leave us. */
  public static void stripHttp2Extensions(HttpHeaders headers) {
    // Walks the names as CharSequences: the String entry iterator converts every header name and
    // value to a String, which was most of this method's cost on every proxied request.
    List<CharSequence> found = null;
    Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
    while (it.hasNext()) {
      CharSequence name = it.next().getKey();
      if (name.length() >= H2_EXTENSION_PREFIX.length()
          && AsciiString.regionMatches(
              name, true, 0, H2_EXTENSION_PREFIX, 0, H2_EXTENSION_PREFIX.length())) {
        if (found == null) {
          found = new ArrayList<>(2);
        }
        found.add(name);
      }
    }
    if (found != null) {
      found.forEach(headers::remove);
    }
  }
}
