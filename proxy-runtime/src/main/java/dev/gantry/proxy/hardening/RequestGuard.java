package dev.gantry.proxy.hardening;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Map;

/**
 * Checks each request head before the proxy handler sees it: header count (431), declared body size
 * (413), and a well-formed path, which it normalises in place ({@link PathNormalizer}). A refused
 * request carries a {@link RejectedRequestException} as its decoder failure, so the proxy handler
 * answers it, forwards nothing and closes. A chunked body that outgrows the limit after forwarding
 * began closes the connection (no status can be sent mid-stream).
 */
public final class RequestGuard extends ChannelInboundHandlerAdapter {
  private final HttpLimits limits;
  private long bodyBytes;

  public RequestGuard(HttpLimits limits) {
    this.limits = limits;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req && req.decoderResult().isSuccess()) {
      bodyBytes = 0;
      RejectedRequestException rejected = check(req);
      if (rejected != null) {
        req.setDecoderResult(DecoderResult.failure(rejected));
      }
    }
    if (msg instanceof HttpContent c && !(msg instanceof HttpRequest)) {
      // A malformed chunk carries a decoder failure; the exchange answers 400 and aborts the
      // upstream request, so it is passed on untouched.
      bodyBytes += c.content().readableBytes();
      if (bodyBytes > limits.maxBodyBytes()) {
        c.release();
        ctx.close();
        return;
      }
      if (c instanceof LastHttpContent) {
        bodyBytes = 0;
      }
    }
    ctx.fireChannelRead(msg);
  }

  static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  RejectedRequestException check(HttpRequest req) {
    HttpVersion v = req.protocolVersion();
    if (v != HttpVersion.HTTP_1_1 && v != HttpVersion.HTTP_1_0) {
      // Netty keeps unknown versions such as "HTTP/1.1Z"; never forward one.
      boolean wellFormed = v.text().matches("HTTP/\\d\\.\\d");
      return new RejectedRequestException(
          wellFormed ? 505 : 400, "version: " + v.text() + " (expected: HTTP/1.1 or HTTP/1.0)");
    }
    for (Map.Entry<String, String> h : req.headers()) {
      if (!isToken(h.getKey())) {
        // RFC 9110 §5.1: a field name is a token; a line without a colon decodes to a name with
        // a space or other delimiter that an upstream might parse differently.
        return new RejectedRequestException(
            400, "header name: " + h.getKey() + " (expected: an RFC 9110 token)");
      }
    }
    if (req.headers().size() > limits.maxHeaderCount()) {
      return new RejectedRequestException(
          431,
          "headers: "
              + req.headers().size()
              + " fields (expected: at most "
              + limits.maxHeaderCount()
              + ")");
    }
    String cl = req.headers().get(HttpHeaderNames.CONTENT_LENGTH);
    if (cl != null) {
      try {
        long n = Long.parseLong(cl.trim());
        if (n > limits.maxBodyBytes()) {
          return new RejectedRequestException(
              413, "content-length: " + n + " (expected: at most " + limits.maxBodyBytes() + ")");
        }
      } catch (NumberFormatException e) {
        return new RejectedRequestException(
            400, "content-length: " + cl + " (expected: a decimal byte count)");
      }
    }
    String uri = req.uri();
    for (int i = 0; i < uri.length(); i++) {
      char ch = uri.charAt(i);
      if (ch <= ' ' || ch >= 0x7F) {
        // RFC 9112 §3.2: a request target is visible ASCII only (NUL, controls, spaces, 8-bit).
        return new RejectedRequestException(
            400,
            "request-target: byte 0x" + Integer.toHexString(ch) + " (expected: visible ASCII)");
      }
    }
    // Origin-form "/path", or absolute-form "http://host/path" whose path starts after the
    // authority.
    int scheme = uri.indexOf("://");
    int start = uri.startsWith("/") ? 0 : scheme > 0 ? uri.indexOf('/', scheme + 3) : -1;
    if (start >= 0) {
      try {
        String normalized =
            uri.substring(0, start) + PathNormalizer.normalizeTarget(uri.substring(start));
        if (!normalized.equals(uri)) {
          req.setUri(normalized);
        }
      } catch (PathNormalizer.InvalidPathException e) {
        return new RejectedRequestException(400, e.getMessage());
      }
    }
    return null;
  }
}
