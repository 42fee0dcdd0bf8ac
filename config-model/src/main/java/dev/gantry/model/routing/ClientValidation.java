package dev.gantry.model.routing;

import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.List;

/**
 * Client-certificate validation on an HTTPS listener (Gateway {@code spec.tls.frontend}, the
 * per-port entry for the listener's port or else the default).
 *
 * @param caBundles names of {@code CaBundle}s in the secrets part whose certificates are the trust
 *     anchors. Empty only when every reference was invalid: the listener then trusts no client (the
 *     translator does not program such a listener, the proxy would refuse every client)
 * @param mode whether a client without a valid certificate is refused ({@code ALLOW_VALID_ONLY},
 *     the default) or let through ({@code ALLOW_INSECURE_FALLBACK})
 */
public record ClientValidation(List<String> caBundles, Mode mode) {

  /** Gateway API {@code FrontendValidationMode}. */
  public enum Mode {
    ALLOW_VALID_ONLY,
    ALLOW_INSECURE_FALLBACK
  }

  public ClientValidation {
    caBundles = Lists.copy(caBundles);
    mode = mode == null ? Mode.ALLOW_VALID_ONLY : mode;
  }

  public void validate(Validator v) {
    v.require(!caBundles.isEmpty(), "caBundles", caBundles, "at least one CA bundle name");
  }
}
