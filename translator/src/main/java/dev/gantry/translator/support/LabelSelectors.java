package dev.gantry.translator.support;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Kubernetes label-selector semantics (matchLabels AND matchExpressions). */
public final class LabelSelectors {

  private LabelSelectors() {}

  /**
   * True when {@code labels} satisfy {@code selector}. An empty selector matches everything, as in
   * Kubernetes.
   *
   * @throws InvalidValueException for an unknown operator
   */
  public static boolean matches(String field, LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    List<LabelSelectorRequirement> exprs = selector.getMatchExpressions();
    if (exprs != null) {
      for (int i = 0; i < exprs.size(); i++) {
        LabelSelectorRequirement r = exprs.get(i);
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean ok =
            switch (Names.orEmpty(r.getOperator())) {
              case "In" -> value != null && values.contains(value);
              case "NotIn" -> value == null || !values.contains(value);
              case "Exists" -> value != null;
              case "DoesNotExist" -> value == null;
              default ->
                  throw new InvalidValueException(
                      field + ".matchExpressions[" + i + "].operator",
                      r.getOperator(),
                      "In, NotIn, Exists or DoesNotExist");
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }
}
