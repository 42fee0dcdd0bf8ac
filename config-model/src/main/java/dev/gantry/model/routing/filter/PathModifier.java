package dev.gantry.model.routing.filter;

import dev.gantry.model.Validator;

/**
 * A path modification.
 *
 * @param type full-path or prefix replacement
 * @param value the replacement
 * @param matchedPrefix for {@link PathModifierType#REPLACE_PREFIX_MATCH}: the (normalised)
 *     PathPrefix of the rule's only match, whose segments are replaced
 */
public record PathModifier(PathModifierType type, String value, String matchedPrefix) {

  public void validate(Validator v) {
    v.require(type != null, "type", type, "ReplaceFullPath or ReplacePrefixMatch");
    v.require(value != null, "value", value, "non-null");
    if (type == PathModifierType.REPLACE_PREFIX_MATCH) {
      v.require(
          matchedPrefix != null && matchedPrefix.startsWith("/"),
          "matchedPrefix",
          matchedPrefix,
          "the PathPrefix of the rule's only match");
    }
  }
}
