package dev.floe.core.decode;

/** How a JSON value is turned into the Iceberg generic value of a column. */
enum ColumnKind {
  STRING("a string"),
  /** A string column whose doc is {@code json}: any JSON value, stored as JSON text. */
  JSON("JSON"),
  INT("an int"),
  LONG("a long"),
  FLOAT("a float"),
  DOUBLE("a double"),
  BOOLEAN("a boolean"),
  TIMESTAMPTZ("a timestamp (epoch millis or ISO-8601 with offset)"),
  TIMESTAMP("a timestamp (epoch millis or ISO-8601 with offset)"),
  DATE("a date (yyyy-mm-dd)");

  private final String description;

  ColumnKind(String description) {
    this.description = description;
  }

  /** What a valid value looks like, as used in reasons: "field 'x' must be a long, got ...". */
  String description() {
    return description;
  }
}
