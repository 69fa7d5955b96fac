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
  /**
   * Iceberg has no JSON type; floe marks Pipelines' {@code json} columns with this doc. A list's
   * element cannot carry a doc in Iceberg, so a list field's doc applies to its elements: a list
   * of json is a {@code list<string>} whose doc is {@code json} (and likewise uint32 and uint64).
   */
  static final String JSON_DOC = "json";

  /** A long column holding Pipelines' {@code uint32}: 0 to 2^32 - 1. */
  static final String UINT32_DOC = "uint32";

  /** A decimal(20, 0) column holding Pipelines' {@code uint64}: 0 to 2^64 - 1. */
  static final String UINT64_DOC = "uint64";

  private final List<Column> all;
  private final Map<String, Column> byName;

  private final boolean unstructured;

  private Columns(List<Column> all) {
    this(all, false);
  }

  private Columns(List<Column> all, boolean unstructured) {
    this.unstructured = unstructured;
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
   * The same, with the rules that apply to each field (see {@link ValueRules}).
   *
   * @throws IllegalArgumentException if a field has a type floe cannot decode from JSON, or the
   *     window still has relative bounds ({@link ValueRules#at} resolves them)
   */
  static Columns of(Schema schema, ValueRules rules) {
    if (rules.timestamps().isRelative()) {
      throw new IllegalArgumentException(
          "Invalid value rules: the timestamp window " + rules.timestamps() + " has relative bounds; resolve them with at(now)");
    }
    Columns columns = new Builder(schema, rules).struct(schema.columns(), "");
    if (!rules.unstructured()) {
      return columns;
    }
    if (columns.size() != 1 || columns.all.get(0).kind() != ColumnKind.JSON) {
      throw new IllegalArgumentException(
          "Invalid schema for an unstructured stream: expected one json column, got " + schema.asStruct());
    }
    return new Columns(columns.all, true);
  }

  /** Each event is stored whole, as JSON text, in the one column. */
  boolean unstructured() {
    return unstructured;
  }

  /** Builds the columns of a struct and, recursively, of the structs and lists in it. */
  private record Builder(Schema schema, ValueRules rules) {
    Columns struct(List<Types.NestedField> fields, String prefix) {
      List<Column> columns = new ArrayList<>(fields.size());
      for (int position = 0; position < fields.size(); position++) {
        Types.NestedField field = fields.get(position);
        columns.add(column(field, field.doc(), field.name(), prefix + field.name(), position));
      }
      return new Columns(columns);
    }

    /** {@code doc} is the field's own, or for a list's element the list's (see {@link #JSON_DOC}). */
    Column column(Types.NestedField field, String doc, String key, String path, int position) {
      ColumnKind kind = kindOf(field.type(), doc, path);
      String name = schema.findColumnName(field.fieldId());
      List<String> allowed = kind == ColumnKind.STRING ? rules.allowedValues().getOrDefault(name, List.of()) : List.of();
      boolean timestamp = kind == ColumnKind.TIMESTAMPTZ || kind == ColumnKind.TIMESTAMP;
      TimestampWindow window =
          timestamp && !rules.timestamps().equals(TimestampWindow.unbounded()) ? rules.timestamps() : null;
      TimestampUnit unit = rules.units().getOrDefault(name, TimestampUnit.MILLISECOND);
      Columns fields = null;
      Column element = null;
      if (kind == ColumnKind.STRUCT) {
        fields = struct(field.type().asStructType().fields(), path + ".");
      } else if (kind == ColumnKind.LIST) {
        Types.ListType list = field.type().asListType();
        Types.NestedField elementField = list.fields().get(0);
        element = column(elementField, elementField.doc() != null ? elementField.doc() : doc, key, path + "[]", 0);
      }
      return new Column(
          key, path, position, kind, field.isRequired(), field.type(), allowed, window,
          rules.timestampFormat(), unit, fields, element);
    }
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

  private static ColumnKind kindOf(Type type, String doc, String path) {
    return switch (type.typeId()) {
      case STRING -> JSON_DOC.equals(doc) ? ColumnKind.JSON : ColumnKind.STRING;
      case INTEGER -> ColumnKind.INT;
      case LONG -> UINT32_DOC.equals(doc) ? ColumnKind.UINT32 : ColumnKind.LONG;
      case DECIMAL -> UINT64_DOC.equals(doc) ? ColumnKind.UINT64 : ColumnKind.DECIMAL;
      case FLOAT -> ColumnKind.FLOAT;
      case DOUBLE -> ColumnKind.DOUBLE;
      case BOOLEAN -> ColumnKind.BOOLEAN;
      case BINARY -> ColumnKind.BINARY;
      case DATE -> ColumnKind.DATE;
      case TIMESTAMP ->
          ((Types.TimestampType) type).shouldAdjustToUTC()
              ? ColumnKind.TIMESTAMPTZ
              : ColumnKind.TIMESTAMP;
      case STRUCT -> ColumnKind.STRUCT;
      case LIST -> ColumnKind.LIST;
      default ->
          throw new IllegalArgumentException(
              "Invalid schema: column "
                  + path
                  + " has type "
                  + (type.isPrimitiveType()
                      ? type
                      : type.typeId().toString().toLowerCase(Locale.ROOT))
                  + ", which floe cannot decode from JSON");
    };
  }
}
