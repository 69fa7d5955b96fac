package dev.floe.core.decode;

import java.util.List;

/**
 * One top-level schema column, with its position in the record and the plausibility rules that
 * apply to it.
 *
 * @param allowed the only values a string column may hold; empty when any is allowed
 * @param window the instants a timestamp column accepts; null when any representable one is
 */
record Column(
    String name,
    int position,
    ColumnKind kind,
    boolean required,
    List<String> allowed,
    TimestampWindow window) {
  Column(String name, int position, ColumnKind kind, boolean required) {
    this(name, position, kind, required, List.of(), null);
  }

  /** The column as it appears in reasons. */
  String label() {
    return "field '" + name + "'";
  }
}
