package dev.floe.core.decode;

import java.util.List;
import org.apache.iceberg.types.Type;

/**
 * One schema field as the decoder reads it: a top-level column (with its position in the record)
 * or a field nested in a struct or list, with the plausibility rules that apply to it.
 *
 * @param name the JSON key (for a list element, the list's key)
 * @param path the field as reasons name it: {@code meta.tags[]} for an element of list {@code
 *     meta.tags}
 * @param position the position in the enclosing struct; 0 for a list element
 * @param type the Iceberg type, for struct and decimal values
 * @param allowed the only values a string field may hold; empty when any is allowed
 * @param window the instants a timestamp field accepts; null when any representable one is
 * @param timestamps how a timestamp field is given
 * @param unit the unit of a timestamp given as a number
 * @param fields a struct's fields, null otherwise
 * @param element a list's element, null otherwise
 */
record Column(
    String name,
    String path,
    int position,
    ColumnKind kind,
    boolean required,
    Type type,
    List<String> allowed,
    TimestampWindow window,
    TimestampFormat timestamps,
    TimestampUnit unit,
    Columns fields,
    Column element) {
  Column(String name, int position, ColumnKind kind, boolean required) {
    this(name, name, position, kind, required, null, List.of(), null, TimestampFormat.ANY, TimestampUnit.MILLISECOND, null, null);
  }

  /** The field as it appears in reasons. */
  String label() {
    return "field '" + path + "'";
  }
}
