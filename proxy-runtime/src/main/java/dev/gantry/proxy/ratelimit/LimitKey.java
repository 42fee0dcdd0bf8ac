package dev.gantry.proxy.ratelimit;

import dev.gantry.model.routing.RateLimit.KeyPart;
import dev.gantry.model.routing.RateLimit.KeyType;
import dev.gantry.proxy.route.RequestView;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Builds the counter key of one limit from a request. An absent header or query parameter counts as
 * the empty string, so requests without it share one counter instead of escaping the limit (a
 * missing API key must not mean "unlimited").
 */
final class LimitKey {
  /** Unit separator: cannot appear in a header value Netty accepts, so parts never run together. */
  private static final char SEP = '\u001f';

  private final KeyType[] types;
  private final AsciiString[] headerNames;
  private final String[] paramNames;
  private final boolean needsClient;

  LimitKey(List<KeyPart> parts) {
    types = new KeyType[parts.size()];
    headerNames = new AsciiString[parts.size()];
    paramNames = new String[parts.size()];
    boolean client = false;
    for (int i = 0; i < parts.size(); i++) {
      KeyPart p = parts.get(i);
      types[i] = p.type();
      if (p.type() == KeyType.HEADER) {
        headerNames[i] = AsciiString.cached(p.name());
      } else if (p.type() == KeyType.QUERY_PARAM) {
        paramNames[i] = p.name();
      }
      client |= p.type() == KeyType.CLIENT_IP;
    }
    needsClient = client;
  }

  boolean needsClient() {
    return needsClient;
  }

  /** The key of {@code request}; {@code client} is resolved only when a part needs it. */
  String of(RequestView request, String client) {
    if (types.length == 0) {
      return "";
    }
    StringBuilder b = new StringBuilder(32);
    for (int i = 0; i < types.length; i++) {
      if (i > 0) {
        b.append(SEP);
      }
      String part =
          switch (types[i]) {
            case CLIENT_IP -> client;
            case HEADER -> request.headers().get(headerNames[i]);
            case PATH -> request.path();
            case METHOD -> request.method();
            case QUERY_PARAM -> request.queryParam(paramNames[i]);
          };
      if (part != null) {
        b.append(part);
      }
    }
    return b.toString();
  }
}
