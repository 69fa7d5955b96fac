package dev.floe.core.filter;

import static dev.floe.core.filter.TestEvents.with;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Literal coercion and ordering for the column types beyond the event schema's. */
class ColumnTypesTest {
  static final Schema SCHEMA =
      new Schema(
          optional(1, "i", Types.IntegerType.get()),
          optional(2, "l", Types.LongType.get()),
          optional(3, "f", Types.FloatType.get()),
          optional(4, "d", Types.DoubleType.get()),
          optional(5, "b", Types.BooleanType.get()),
          optional(6, "dt", Types.DateType.get()),
          optional(7, "ts", Types.TimestampType.withoutZone()),
          optional(8, "payload", Types.BinaryType.get()),
          optional(9, "ts_ns", Types.TimestampNanoType.withZone()));

  private static Record row(Object... namesAndValues) {
    return with(GenericRecord.create(SCHEMA), namesAndValues);
  }

  private static boolean keeps(String expression, Record row) {
    return EventFilter.parse(expression, SCHEMA).test(row);
  }

  // i = 5, l = 5
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "i = 5                | true",
        "i = 5.0              | true",
        "i = 5.000            | true",
        "i = 5.5              | false",
        "i != 5.5             | true",
        "i < 5.5              | true",
        "i <= 5.5             | true",
        "i > 4.5              | true",
        "i >= 5.5             | false",
        "i > 5.5              | false",
        "i < 4.99             | false",
        "i > -5.5             | true",
        "-5.5 < i             | true",
        "i IN (5.5, 6)        | false",
        "i IN (4.5, 5.0)      | true",
        "i NOT IN (5.5)       | true",
        "i < 2147483646.5     | true",
        "l = 5                | true",
        "l = l                | true",
        "i = l                | true",
        "l > 4.999999999999999999999 | true",
      })
  void integerColumnsCompareExactlyWithDecimals(String expression, boolean kept) {
    assertThat(keeps(expression, row("i", 5, "l", 5L))).isEqualTo(kept);
  }

  @Test
  void integerColumnsAcceptTheirWholeRange() {
    assertThat(keeps("i = -2147483648", row("i", Integer.MIN_VALUE))).isTrue();
    assertThat(keeps("i = 2147483647", row("i", Integer.MAX_VALUE))).isTrue();
    assertThat(keeps("l = -9223372036854775808", row("l", Long.MIN_VALUE))).isTrue();
    assertThat(keeps("l = 9223372036854775807", row("l", Long.MAX_VALUE))).isTrue();
    assertThat(keeps("l < 9223372036854775806.5", row("l", Long.MAX_VALUE))).isFalse();
    assertThat(keeps("l > -9223372036854775807.5", row("l", Long.MIN_VALUE))).isFalse();
  }

  @Test
  void floatingLiteralsAreRoundedToTheColumnPrecision() {
    // 0.1f is not 0.1: matching it needs the literal rounded to float, as a SQL cast would do.
    assertThat(keeps("f = 0.1", row("f", 0.1f))).isTrue();
    assertThat(keeps("f IN (0.1)", row("f", 0.1f))).isTrue();
    assertThat(keeps("d = 0.1", row("d", 0.1))).isTrue();
    assertThat(keeps("d = 0.1", row("d", (double) 0.1f))).isFalse();
    assertThat(keeps("d = 1", row("d", 1.0))).isTrue();
    assertThat(keeps("d > -1", row("d", -0.5))).isTrue();
    assertThat(keeps("f < 3", row("f", 2.5f))).isTrue();
  }

  @Test
  void negativeZeroEqualsZeroAndNanSortsAboveEverything() {
    assertThat(keeps("d = 0", row("d", -0.0))).isTrue();
    assertThat(keeps("d IN (0)", row("d", -0.0))).isTrue();
    assertThat(keeps("f = -0.0", row("f", 0.0f))).isTrue();
    assertThat(keeps("d > 1000000", row("d", Double.NaN))).isTrue();
    assertThat(keeps("d = 0", row("d", Double.NaN))).isFalse();
    assertThat(keeps("d = d", row("d", Double.NaN))).isTrue();
    assertThat(keeps("d > l", row("d", Double.NaN, "l", Long.MAX_VALUE))).isTrue();
    assertThat(keeps("d > d", row("d", Double.POSITIVE_INFINITY))).isFalse();
  }

  @Test
  void mixedNumericColumnsCompareExactly() {
    long twoTo53 = 1L << 53;

    // Widening the long to a double would round 2^53 + 1 down and call them equal.
    assertThat(keeps("l = d", row("l", twoTo53 + 1, "d", (double) twoTo53))).isFalse();
    assertThat(keeps("l > d", row("l", twoTo53 + 1, "d", (double) twoTo53))).isTrue();
    assertThat(keeps("d < l", row("l", twoTo53 + 1, "d", (double) twoTo53))).isTrue();
    assertThat(keeps("l = d", row("l", twoTo53, "d", (double) twoTo53))).isTrue();
    assertThat(keeps("i < d", row("i", 1, "d", 1.5))).isTrue();
    assertThat(keeps("i > d", row("i", 2, "d", 1.5))).isTrue();
    assertThat(keeps("i > d", row("i", -1, "d", -1.5))).isTrue();
    assertThat(keeps("i < d", row("i", -2, "d", -1.5))).isTrue();
    assertThat(keeps("f = i", row("f", 3.0f, "i", 3))).isTrue();
    assertThat(keeps("l < d", row("l", Long.MAX_VALUE, "d", 0x1p63))).isTrue();
    assertThat(keeps("l > d", row("l", Long.MIN_VALUE, "d", Double.NEGATIVE_INFINITY))).isTrue();
    assertThat(keeps("l = d", row("l", Long.MIN_VALUE, "d", -0x1p63))).isTrue();
  }

  @Test
  void booleanColumnsStandAloneOrCompare() {
    assertThat(keeps("b", row("b", true))).isTrue();
    assertThat(keeps("NOT b", row("b", true))).isFalse();
    assertThat(keeps("b = FALSE", row("b", false))).isTrue();
    assertThat(keeps("b IN (true)", row("b", false))).isFalse();
    assertThat(keeps("b AND i = 1", row("b", true, "i", 1))).isTrue();
    assertThat(keeps("b OR NOT b", row("b", null))).isFalse();
    assertThat(keeps("b IS NULL", row("b", null))).isTrue();
  }

  @Test
  void datesAndTimestampsWithoutZone() {
    Record row = row("dt", LocalDate.of(2026, 11, 1), "ts", LocalDateTime.of(2026, 11, 1, 12, 0));

    assertThat(keeps("dt = '2026-11-01'", row)).isTrue();
    assertThat(keeps("dt < '2026-11-02' AND dt > '2026-10-31'", row)).isTrue();
    assertThat(keeps("dt IN ('2026-11-01')", row)).isTrue();
    assertThat(keeps("ts = '2026-11-01T12:00:00'", row)).isTrue();
    assertThat(keeps("ts > '2026-11-01T11:59:59.999999'", row)).isTrue();
    assertThat(keeps("ts = 1793534400000", row)).isTrue();
    assertThat(keeps("ts IN ('2026-11-01T12:00')", row)).isTrue();
  }

  @Test
  void nanosecondTimestampsWithZone() {
    Record row = row("ts_ns", TestEvents.NOV_1.plusNanos(7));

    assertThat(keeps("ts_ns = '2026-11-01T00:00:00.000000007Z'", row)).isTrue();
    assertThat(keeps("ts_ns > 1793491200000", row)).isTrue();
  }

  @Test
  void anyColumnTypeCanBeTestedForNull() {
    assertThat(keeps("payload IS NULL", row())).isTrue();
    assertThat(keeps("payload IS NOT NULL", row("payload", ByteBuffer.wrap(new byte[] {1}))))
        .isTrue();
  }

  @Test
  void comparisonsWithNullNumbersAreUnknown() {
    assertThat(keeps("i = 1 OR i != 1", row())).isFalse();
    assertThat(keeps("NOT (i = d)", row("d", 1.0))).isFalse();
    assertThat(keeps("NOT (l IN (1))", row())).isFalse();
  }
}
