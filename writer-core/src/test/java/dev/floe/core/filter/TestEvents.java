package dev.floe.core.filter;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.time.OffsetDateTime;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/** The Durable Object state-change event schema, and events built against it. */
final class TestEvents {
  static final Schema SCHEMA =
      new Schema(
          required(1, "do_id", Types.StringType.get()),
          optional(2, "ns", Types.StringType.get()),
          optional(3, "type", Types.StringType.get()),
          required(4, "key", Types.StringType.get()),
          optional(5, "value", Types.StringType.get()),
          required(6, "op", Types.StringType.get()),
          required(7, "timestamp", Types.TimestampType.withZone()),
          required(8, "seq", Types.LongType.get()));

  static final OffsetDateTime NOV_1 = OffsetDateTime.parse("2026-11-01T00:00:00Z");

  private TestEvents() {}

  /** A put event with every optional column null, then the given name/value overrides. */
  static Record event(Object... namesAndValues) {
    Record event = GenericRecord.create(SCHEMA);
    event.setField("do_id", "do-1");
    event.setField("key", "k");
    event.setField("op", "put");
    event.setField("timestamp", NOV_1);
    event.setField("seq", 1L);
    return with(event, namesAndValues);
  }

  /** Sets name/value pairs on a record of any schema. */
  static Record with(Record record, Object... namesAndValues) {
    for (int i = 0; i < namesAndValues.length; i += 2) {
      record.setField((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return record;
  }

  static boolean keeps(String expression, Record event) {
    return EventFilter.parse(expression, event.struct().asSchema()).test(event);
  }
}
