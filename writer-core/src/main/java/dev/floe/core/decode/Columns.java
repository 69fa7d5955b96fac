package dev.floe.core.decode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** The columns of a schema that floe decodes from JSON, looked up by JSON key. */
final class Columns {
  /** Iceberg has no JSON type; floe marks Pipelines' {@code json} columns with this doc. */
  static final String JSON_DOC = "json";

  private final List<Column> all;
  private final Map<String, Column> byName;

  private Columns(List<Column> all) {
    this.all = List.copyOf(all);
    this.byName = new HashMap<>(all.size() * 2);
    for (Column column : all) {
      byName.put(column.name(), column);
    }
  }

  /**
   * Maps each column of the schema to a decoder.
   *
   * @throws IllegalArgumentException if a column has a type floe cannot decode from JSON
   */
  static Columns of(Schema schema) {
    return of(schema, ValueRules.none());
  }

  /**
   * The same, with the rules that apply to each column: the timestamp window to every timestamp
   * column, allowed values to the string column they name (a rule naming a column the schema does
   * not have, or one that is not a plain string, does not apply: floe follows an existing table's
   * schema).
   *
   * @throws IllegalArgumentException if the window still has relative bounds ({@link
   *     ValueRules#at} resolves them)
   */
  static Columns of(Schema schema, ValueRules rules) {
    if (rules.timestamps().isRelative()) {
      throw new IllegalArgumentException(
          "Invalid value rules: the timestamp window " + rules.timestamps() + " has relative bounds; resolve them with at(now)");
    }
    TimestampWindow window = rules.timestamps().equals(TimestampWindow.unbounded()) ? null : rules.timestamps();
    List<Types.NestedField> fields = schema.columns();
    List<Column> columns = new ArrayList<>(fields.size());
    for (int position = 0; position < fields.size(); position++) {
      Types.NestedField field = fields.get(position);
      ColumnKind kind = kindOf(field);
      List<String> allowed =
          kind == ColumnKind.STRING ? rules.allowedValues().getOrDefault(field.name(), List.of()) : List.of();
      boolean timestamp = kind == ColumnKind.TIMESTAMPTZ || kind == ColumnKind.TIMESTAMP;
      columns.add(new Column(field.name(), position, kind, field.isRequired(), allowed, timestamp ? window : null));
    }
    return new Columns(columns);
  }

  List<Column> all() {
    return all;
  }

  int size() {
    return all.size();
  }

  /** The column for a JSON key (matched exactly, case-sensitively), or null if there is none. */
  Column find(String name) {
    return byName.get(name);
  }

  private static ColumnKind kindOf(Types.NestedField field) {
    Type type = field.type();
    return switch (type.typeId()) {
      case STRING -> JSON_DOC.equals(field.doc()) ? ColumnKind.JSON : ColumnKind.STRING;
      case INTEGER -> ColumnKind.INT;
      case LONG -> ColumnKind.LONG;
      case FLOAT -> ColumnKind.FLOAT;
      case DOUBLE -> ColumnKind.DOUBLE;
      case BOOLEAN -> ColumnKind.BOOLEAN;
      case DATE -> ColumnKind.DATE;
      case TIMESTAMP ->
          ((Types.TimestampType) type).shouldAdjustToUTC()
              ? ColumnKind.TIMESTAMPTZ
              : ColumnKind.TIMESTAMP;
      default ->
          throw new IllegalArgumentException(
              "Invalid schema: column "
                  + field.name()
                  + " has type "
                  + (type.isPrimitiveType()
                      ? type
                      : type.typeId().toString().toLowerCase(Locale.ROOT))
                  + ", which floe cannot decode from JSON");
    };
  }
}
