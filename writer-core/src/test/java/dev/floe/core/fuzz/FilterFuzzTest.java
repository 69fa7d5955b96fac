package dev.floe.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.floe.core.filter.EventFilter;
import dev.floe.core.schema.EventSchemas;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * Coverage-guided fuzzing of the filter-expression parser: any text either parses, and then
 * evaluates without throwing on events with and without nulls, or is refused with an "Invalid
 * filter" message; never another exception, a stack overflow or a hang.
 */
class FilterFuzzTest {
  private static final Schema SCHEMA = EventSchemas.defaultSchema();
  private static final Record FULL = record("PUT", "user", "{}");
  private static final Record SPARSE = record("DELETE", null, null);

  @FuzzTest(maxDuration = "30s")
  void parsesOrRefusesAnyText(FuzzedDataProvider data) {
    String expression = data.consumeRemainingAsString();
    EventFilter filter;
    try {
      filter = EventFilter.parse(expression, SCHEMA);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith("Invalid filter");
      return;
    }
    filter.test(FULL);
    filter.test(SPARSE);
  }

  private static Record record(String op, String type, String value) {
    GenericRecord record = GenericRecord.create(SCHEMA);
    record.setField("do_id", "do-1");
    record.setField("ns", "app");
    record.setField("type", type);
    record.setField("key", "k");
    record.setField("value", value);
    record.setField("op", op);
    record.setField("timestamp", OffsetDateTime.of(2026, 11, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    record.setField("seq", 7L);
    return record;
  }
}
