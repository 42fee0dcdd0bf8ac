package dev.gantry.proxy.filter;

import dev.gantry.model.routing.filter.Header;
import dev.gantry.model.routing.filter.HeaderModifier;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Locale;

/**
 * A compiled header modifier: set (replace every value), add (append a value; observed as {@code
 * old,new}), remove, in that order. Names are lower-cased {@link AsciiString}s once; Netty headers
 * compare names case-insensitively, so {@code X-Header-Set} replaces {@code x-header-set}.
 */
public final class HeaderOps {
  private final AsciiString[] setNames;
  private final String[] setValues;
  private final AsciiString[] addNames;
  private final String[] addValues;
  private final AsciiString[] removeNames;

  public HeaderOps(HeaderModifier modifier) {
    List<Header> set = modifier.set();
    List<Header> add = modifier.add();
    setNames = new AsciiString[set.size()];
    setValues = new String[set.size()];
    for (int i = 0; i < set.size(); i++) {
      setNames[i] = name(set.get(i).name());
      setValues[i] = set.get(i).value();
    }
    addNames = new AsciiString[add.size()];
    addValues = new String[add.size()];
    for (int i = 0; i < add.size(); i++) {
      addNames[i] = name(add.get(i).name());
      addValues[i] = add.get(i).value();
    }
    removeNames = modifier.remove().stream().map(HeaderOps::name).toArray(AsciiString[]::new);
  }

  private static AsciiString name(String n) {
    return AsciiString.cached(n.toLowerCase(Locale.ROOT));
  }

  public void apply(HttpHeaders headers) {
    for (int i = 0; i < setNames.length; i++) {
      headers.set(setNames[i], setValues[i]);
    }
    for (int i = 0; i < addNames.length; i++) {
      headers.add(addNames[i], addValues[i]);
    }
    for (AsciiString n : removeNames) {
      headers.remove(n);
    }
  }
}
