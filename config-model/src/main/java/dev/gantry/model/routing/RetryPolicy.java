package dev.gantry.model.routing;

import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.List;

/**
 * Gateway API retry (GEP-1731). Connection errors are always retried when a policy exists; only
 * requests whose body can be replayed are retried.
 *
 * @param codes response codes that trigger a retry (400..599)
 * @param attempts the number of retries after the first try
 * @param backoffMs the minimum wait between attempts, or {@code null}
 */
public record RetryPolicy(List<Integer> codes, int attempts, Long backoffMs) {

  public RetryPolicy {
    codes = Lists.copy(codes);
  }

  public void validate(Validator v) {
    for (int i = 0; i < codes.size(); i++) {
      Integer c = codes.get(i);
      v.require(c != null && c >= 400 && c <= 599, "codes[" + i + "]", c, "400..599");
    }
    v.require(attempts >= 0, "attempts", attempts, ">= 0");
    if (backoffMs != null) {
      v.require(backoffMs >= 0, "backoffMs", backoffMs, ">= 0");
    }
  }
}
