package dev.gantry.e2e;

import java.util.ArrayList;
import java.util.List;

/** The tier's result, one row per scenario, printed so CI output shows it. */
final class ScenarioTable {

  record Row(String scenario, long requests, long failures, String convergence, String note) {}

  private final List<Row> rows = new ArrayList<>();

  synchronized void add(Row row) {
    rows.add(row);
    System.out.println("E2E scenario done: " + format(row));
  }

  synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  synchronized String render() {
    StringBuilder b = new StringBuilder();
    b.append(
        "| scenario | requests | failures | convergence ms | notes |\n"
            + "| --- | ---: | ---: | --- | --- |\n");
    for (Row r : rows) {
      b.append("| ")
          .append(r.scenario())
          .append(" | ")
          .append(r.requests())
          .append(" | ")
          .append(r.failures())
          .append(" | ")
          .append(r.convergence())
          .append(" | ")
          .append(r.note())
          .append(" |\n");
    }
    return b.toString();
  }

  private static String format(Row r) {
    return r.scenario()
        + ": "
        + r.requests()
        + " requests, "
        + r.failures()
        + " failures, convergence "
        + r.convergence()
        + " ms"
        + (r.note().isEmpty() ? "" : " (" + r.note() + ")");
  }
}
