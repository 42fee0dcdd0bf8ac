package dev.gantry.model.routing.filter;

import dev.gantry.model.Validator;

/** Rewrites the Host and/or path of the request forwarded upstream. */
public record UrlRewrite(String hostname, PathModifier path) implements Filter {

  @Override
  public void validate(Validator v) {
    v.require(hostname != null || path != null, "", null, "hostname or path");
    v.nested("path", path, pv -> path.validate(pv));
  }
}
