package dev.floe.core.filter;

import org.apache.iceberg.types.Type;

/**
 * A column found in the schema: its position in the event record and, when the filter can compare
 * its values, their kind (null for types such as binary that only IS NULL applies to).
 */
record BoundColumn(String name, int index, Type type, ValueKind kind) {

  /** For messages: {@code column 'seq' (long)}. */
  String describe() {
    return "column '" + name + "' (" + type + ")";
  }
}
