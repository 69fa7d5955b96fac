package dev.floe.core.decode;

/** One top-level schema column, with its position in the record. */
record Column(String name, int position, ColumnKind kind, boolean required) {
  /** The column as it appears in reasons. */
  String label() {
    return "field '" + name + "'";
  }
}
