package dev.floe.core.decode;

/** How a JSON value is turned into the Iceberg generic value of a column. */
enum ColumnKind {
  STRING("a string"),
  /** A string column whose doc is {@code json}: any JSON value, stored as JSON text. */
  JSON("JSON"),
  INT("an int"),
  LONG("a long"),
  /** A long column whose doc is {@code uint32}: 0 to 2^32 - 1. */
  UINT32("an unsigned 32-bit integer"),
  /** A decimal(20, 0) column whose doc is {@code uint64}: 0 to 2^64 - 1. */
  UINT64("an unsigned 64-bit integer"),
  DECIMAL("a decimal (number or string)"),
  FLOAT("a float"),
  DOUBLE("a double"),
  BOOLEAN("a boolean"),
  /** Bytes given as base64 text. */
  BINARY("base64 text"),
  TIMESTAMPTZ("a timestamp (epoch millis or ISO-8601 with offset)"),
  TIMESTAMP("a timestamp (epoch millis or ISO-8601 with offset)"),
  DATE("a date (yyyy-mm-dd)"),
  STRUCT("an object"),
  LIST("an array");

  private final String description;

  ColumnKind(String description) {
    this.description = description;
  }

  /** What a valid value looks like, as used in reasons: "field 'x' must be a long, got ...". */
  String description() {
    return description;
  }

  /** Kinds whose value the row keeps as a Java object rather than as bytes or a long. */
  boolean isObject() {
    return switch (this) {
      case UINT64, DECIMAL, BINARY, STRUCT, LIST -> true;
      default -> false;
    };
  }
}
