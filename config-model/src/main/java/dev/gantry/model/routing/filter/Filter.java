package dev.gantry.model.routing.filter;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.gantry.model.Validator;

/**
 * A Gateway API HTTPRoute filter in its resolved form. Filters run in list order (the spec's
 * SHOULD); the translator has already rejected combinations the spec forbids.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = RequestHeaderModifier.class, name = "RequestHeaderModifier"),
  @JsonSubTypes.Type(value = ResponseHeaderModifier.class, name = "ResponseHeaderModifier"),
  @JsonSubTypes.Type(value = RequestRedirect.class, name = "RequestRedirect"),
  @JsonSubTypes.Type(value = UrlRewrite.class, name = "URLRewrite"),
  @JsonSubTypes.Type(value = RequestMirror.class, name = "RequestMirror"),
  @JsonSubTypes.Type(value = Cors.class, name = "CORS"),
})
public sealed interface Filter
    permits RequestHeaderModifier,
        ResponseHeaderModifier,
        RequestRedirect,
        UrlRewrite,
        RequestMirror,
        Cors {

  void validate(Validator v);
}
