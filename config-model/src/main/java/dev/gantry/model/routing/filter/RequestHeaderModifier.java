package dev.gantry.model.routing.filter;

import dev.gantry.model.Validator;

/** Modifies the request headers sent upstream. */
public record RequestHeaderModifier(HeaderModifier headers) implements Filter {

  @Override
  public void validate(Validator v) {
    v.require(headers != null, "headers", headers, "non-null");
    v.nested("headers", headers, hv -> headers.validate(hv));
  }
}
