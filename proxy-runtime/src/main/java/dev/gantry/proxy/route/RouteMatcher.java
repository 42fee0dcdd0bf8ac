package dev.gantry.proxy.route;

import com.google.re2j.Pattern;
import dev.gantry.model.routing.HeaderMatch;
import dev.gantry.model.routing.QueryParamMatch;
import dev.gantry.model.routing.RouteMatch;
import dev.gantry.model.routing.ValueMatchType;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * One compiled Gateway API match: path AND method AND every header AND every query parameter.
 * Header names are turned into {@link AsciiString}s once, regexes compiled once.
 */
public final class RouteMatcher {
  private final PathMatcher path;
  private final String method;
  private final AsciiString[] headerNames;
  private final ValueMatcher[] headerValues;
  private final String[] queryNames;
  private final ValueMatcher[] queryValues;

  public RouteMatcher(RouteMatch match) {
    this.path = PathMatcher.of(match.path());
    this.method = match.method();
    List<HeaderMatch> headers = match.headers();
    this.headerNames = new AsciiString[headers.size()];
    this.headerValues = new ValueMatcher[headers.size()];
    for (int i = 0; i < headers.size(); i++) {
      headerNames[i] = AsciiString.cached(headers.get(i).name());
      headerValues[i] = ValueMatcher.of(headers.get(i).type(), headers.get(i).value());
    }
    List<QueryParamMatch> params = match.queryParams();
    this.queryNames = new String[params.size()];
    this.queryValues = new ValueMatcher[params.size()];
    for (int i = 0; i < params.size(); i++) {
      queryNames[i] = params.get(i).name();
      queryValues[i] = ValueMatcher.of(params.get(i).type(), params.get(i).value());
    }
  }

  public PathMatcher path() {
    return path;
  }

  public boolean matches(RequestView request) {
    if (method != null && !method.equals(request.method())) {
      return false;
    }
    if (!path.matches(request.path())) {
      return false;
    }
    for (int i = 0; i < headerNames.length; i++) {
      // Duplicate header names: the first value counts (Gateway API header match semantics).
      String value = request.headers().get(headerNames[i]);
      if (value == null || !headerValues[i].matches(value)) {
        return false;
      }
    }
    for (int i = 0; i < queryNames.length; i++) {
      String value = request.queryParam(queryNames[i]);
      if (value == null || !queryValues[i].matches(value)) {
        return false;
      }
    }
    return true;
  }

  /** An exact (case-sensitive) or RE2 whole-value comparison. */
  sealed interface ValueMatcher {
    boolean matches(String value);

    static ValueMatcher of(ValueMatchType type, String value) {
      return type == ValueMatchType.REGULAR_EXPRESSION
          ? new RegexValue(Pattern.compile(value))
          : new ExactValue(value);
    }
  }

  record ExactValue(String expected) implements ValueMatcher {
    @Override
    public boolean matches(String value) {
      return expected.equals(value);
    }
  }

  record RegexValue(Pattern pattern) implements ValueMatcher {
    @Override
    public boolean matches(String value) {
      return pattern.matches(value);
    }
  }
}
