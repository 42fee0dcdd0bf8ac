package dev.gantry.model.routing.filter;

import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.List;

/**
 * Set (replace all values), add (append a value) and remove header actions, applied in that order.
 */
public record HeaderModifier(List<Header> set, List<Header> add, List<String> remove) {

  public HeaderModifier {
    set = Lists.copy(set);
    add = Lists.copy(add);
    remove = Lists.copy(remove);
  }

  public void validate(Validator v) {
    v.each("set", set, Header::validate);
    v.each("add", add, Header::validate);
    for (int i = 0; i < remove.size(); i++) {
      String r = remove.get(i);
      v.require(r != null && !r.isEmpty(), "remove[" + i + "]", r, "non-empty");
    }
  }
}
