package dev.gantry.model.routing.filter;

import dev.gantry.model.Validator;

/** Modifies the response headers sent to the client. */
public record ResponseHeaderModifier(HeaderModifier headers) implements Filter {

  @Override
  public void validate(Validator v) {
    v.require(headers != null, "headers", headers, "non-null");
    v.nested("headers", headers, hv -> headers.validate(hv));
  }
}
