package dev.gantry.model.routing.filter;

import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.List;

/**
 * The Gateway API CORS filter (GEP-1767). The proxy answers preflight requests itself and adds the
 * CORS headers to actual responses when the Origin is allowed.
 */
public record Cors(
    List<String> allowOrigins,
    boolean allowCredentials,
    List<String> allowMethods,
    List<String> allowHeaders,
    List<String> exposeHeaders,
    int maxAgeSeconds)
    implements Filter {

  public Cors {
    allowOrigins = Lists.copy(allowOrigins);
    allowMethods = Lists.copy(allowMethods);
    allowHeaders = Lists.copy(allowHeaders);
    exposeHeaders = Lists.copy(exposeHeaders);
  }

  @Override
  public void validate(Validator v) {
    v.require(maxAgeSeconds >= 1, "maxAgeSeconds", maxAgeSeconds, ">= 1");
  }
}
