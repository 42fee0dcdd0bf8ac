package dev.gantry.proxy.testing;

import java.util.Map;

/** Reads one series' value out of a Prometheus text exposition (labels in any order). */
public final class PrometheusText {
  private PrometheusText() {}

  /**
   * The value of the series {@code name} whose labels include every {@code labels} pair, or NaN
   * when no such line exists; fails when several lines match (the test named too few labels).
   */
  public static double value(String scrape, String name, Map<String, String> labels) {
    Double found = null;
    for (String line : scrape.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      String rest = line.substring(name.length());
      if (!(rest.startsWith("{") || rest.startsWith(" "))) {
        continue;
      }
      boolean all = true;
      for (var e : labels.entrySet()) {
        if (!rest.contains(e.getKey() + "=\"" + e.getValue() + "\"")) {
          all = false;
          break;
        }
      }
      if (!all) {
        continue;
      }
      if (found != null) {
        throw new AssertionError("several series match " + name + labels + " in:\n" + scrape);
      }
      found = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return found == null ? Double.NaN : found;
  }
}
