package dev.gantry.model.routing.filter;

/** How a redirect or rewrite changes the path. */
public enum PathModifierType {
  REPLACE_FULL_PATH,
  REPLACE_PREFIX_MATCH
}
