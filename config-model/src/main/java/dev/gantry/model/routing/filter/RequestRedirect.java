package dev.gantry.model.routing.filter;

import dev.gantry.model.Validator;
import java.util.Set;

/**
 * Answers with a redirect instead of forwarding. Unset fields keep the request's value; the port is
 * derived at request time exactly as the Gateway API says (scheme set → that scheme's well-known
 * port; else the listener port), and omitted from {@code Location} when it is the scheme's default.
 */
public record RequestRedirect(
    String scheme, String hostname, Integer port, PathModifier path, int statusCode)
    implements Filter {

  private static final Set<Integer> CODES = Set.of(301, 302, 303, 307, 308);

  @Override
  public void validate(Validator v) {
    if (scheme != null) {
      v.require(scheme.equals("http") || scheme.equals("https"), "scheme", scheme, "http or https");
    }
    if (port != null) {
      v.require(port >= 1 && port <= 65535, "port", port, "1..65535");
    }
    v.require(CODES.contains(statusCode), "statusCode", statusCode, "301, 302, 303, 307 or 308");
    v.nested("path", path, pv -> path.validate(pv));
  }
}
