package dev.floe.core.filter;

import static dev.floe.core.filter.TestEvents.NOV_1;
import static dev.floe.core.filter.TestEvents.SCHEMA;
import static dev.floe.core.filter.TestEvents.event;
import static dev.floe.core.filter.TestEvents.keeps;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventFilterTest {

  @Test
  void pipelinesExampleDropsInternalAndTombstoneEvents() {
    EventFilter filter =
        EventFilter.parse("op != '_internal' AND type NOT IN ('_internal', '_tombstone')", SCHEMA);

    assertThat(filter.test(event("type", "user"))).isTrue();
    assertThat(filter.test(event("op", "_internal", "type", "user"))).isFalse();
    assertThat(filter.test(event("type", "_tombstone"))).isFalse();
    assertThat(filter.test(event("type", "_internal"))).isFalse();
    // As in SQL, NOT IN on a null is unknown, so an event without a type is dropped too.
    assertThat(filter.test(event("type", null))).isFalse();
  }

  @Test
  void expressionIsTheOriginalText() {
    String text = "  op = 'put'  ";

    assertThat(EventFilter.parse(text, SCHEMA).expression()).isEqualTo(text);
    assertThat(EventFilter.acceptAll().expression()).isEqualTo("TRUE");
    assertThat(EventFilter.parse("TRUE", SCHEMA).test(event())).isTrue();
    assertThat(EventFilter.parse("false", SCHEMA).test(event())).isFalse();
  }

  @Test
  void acceptAllKeepsEvenAnEmptyRecord() {
    Record empty = org.apache.iceberg.data.GenericRecord.create(SCHEMA);

    assertThat(EventFilter.acceptAll().test(empty)).isTrue();
    assertThat(EventFilter.acceptAll()).hasToString("EventFilter[TRUE]");
  }

  // Each row: expression, whether it keeps an event with op 'put', seq 5 and value 'm'.
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "op = 'put'          | true",
        "op = 'delete'       | false",
        "op != 'put'         | false",
        "op <> 'delete'      | true",
        "value < 'n'         | true",
        "value < 'm'         | false",
        "value <= 'm'        | true",
        "value > 'l'         | true",
        "value > 'm'         | false",
        "value >= 'm'        | true",
        "seq = 5             | true",
        "seq != 5            | false",
        "seq < 6             | true",
        "seq <= 4            | false",
        "seq > -1            | true",
        "seq >= 6            | false",
        "5 = seq             | true",
        "6 > seq             | true",
        "6 < seq             | false",
        "'n' > value         | true",
        "'m' <= value        | true",
        "op IN ('get', 'put')  | true",
        "op IN ('get')       | false",
        "op NOT IN ('get')   | true",
        "op NOT IN ('put', 'get') | false",
        "seq IN (1, 5, 9)    | true",
        "seq NOT IN (1, 5)   | false",
        "ns IS NULL          | true",
        "ns IS NOT NULL      | false",
        "op IS NOT NULL      | true",
        "key = key           | true",
        "key < op            | true",
        "op <= key           | false",
        "seq >= seq          | true",
        "timestamp = timestamp | true",
      })
  void comparisonOperators(String expression, boolean kept) {
    assertThat(keeps(expression, event("seq", 5L, "value", "m"))).isEqualTo(kept);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // a OR b AND c is a OR (b AND c)
        "op = 'put' OR op = 'x' AND seq = 0      | true",
        "(op = 'put' OR op = 'x') AND seq = 0    | false",
        "seq = 0 AND op = 'x' OR op = 'put'      | true",
        "seq = 0 AND (op = 'x' OR op = 'put')    | false",
        // NOT binds tighter than AND and OR
        "NOT op = 'x' AND seq = 0                | false",
        "NOT (op = 'x' AND seq = 0)              | true",
        "NOT op = 'put' OR seq = 1               | true",
        "NOT (op = 'put' OR seq = 1)             | false",
        "NOT NOT op = 'put'                      | true",
        "NOT NOT NOT op = 'put'                  | false",
        "NOT op IN ('put')                       | false",
        "((((op = 'put'))))                      | true",
        "op = 'x' OR seq = 2 OR key = 'k'        | true",
        "op = 'put' AND seq = 1 AND key = 'x'    | false",
      })
  void precedenceAndParentheses(String expression, boolean kept) {
    assertThat(keeps(expression, event())).isEqualTo(kept);
  }

  // ns and value are null: every comparison with them is unknown, and only TRUE keeps an event.
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ns = 'a'                           | false",
        "NOT ns = 'a'                       | false",
        "ns != 'a'                          | false",
        "ns IN ('a', 'b')                   | false",
        "ns NOT IN ('a', 'b')               | false",
        "NOT ns IN ('a')                    | false",
        "ns = value                         | false",
        "ns != op                           | false",
        "op != ns                           | false",
        "NOT ns = op                        | false",
        // unknown AND false is false, so its negation keeps the event
        "ns = 'a' AND op = 'x'              | false",
        "NOT (ns = 'a' AND op = 'x')        | true",
        "NOT (op = 'x' AND ns = 'a')        | true",
        // unknown AND true is unknown
        "NOT (ns = 'a' AND op = 'put')      | false",
        // unknown OR true is true
        "ns = 'a' OR op = 'put'             | true",
        "op = 'put' OR ns = 'a'             | true",
        // unknown OR false is unknown
        "ns = 'a' OR op = 'x'               | false",
        "NOT (ns = 'a' OR op = 'x')         | false",
        "ns IS NULL AND value IS NULL       | true",
        "NOT ns IS NOT NULL                 | true",
      })
  void threeValuedLogicWithNulls(String expression, boolean kept) {
    assertThat(keeps(expression, event("ns", null, "value", null))).isEqualTo(kept);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "timestamp = '2026-11-01T00:00:00Z'              | true",
        "timestamp = '2026-11-01T00:00Z'                 | true",
        "timestamp = '2026-11-01T01:00:00+01:00'         | true",
        "timestamp = '2026-10-31T19:00:00-05:00'         | true",
        "timestamp = '2026-11-01T00:00:00.000000001Z'    | false",
        "timestamp < '2026-11-01T00:00:00.000000001Z'    | true",
        "timestamp >= '2026-11-01T00:00:00Z'             | true",
        "timestamp > '2026-10-31T23:59:59.999Z'          | true",
        "timestamp = 1793491200000                       | true",
        "timestamp > 1793491199999                       | true",
        "timestamp < 1793491200000                       | false",
        "timestamp IN ('2026-11-01T02:00:00+02:00', 0)   | true",
        "timestamp NOT IN (1793491200000)                | false",
        "1793491200000 = timestamp                       | true",
      })
  void timestampsCompareAsInstants(String expression, boolean kept) {
    // The event carries an offset of its own; only the instant matters.
    OffsetDateTime sameInstant = NOV_1.withOffsetSameInstant(ZoneOffset.ofHours(9));

    assertThat(keeps(expression, event("timestamp", sameInstant))).isEqualTo(kept);
  }

  @Test
  void timestampsKeepNanosecondsOfTheEvent() {
    Record event = event("timestamp", NOV_1.plusNanos(1));

    assertThat(keeps("timestamp > '2026-11-01T00:00:00Z'", event)).isTrue();
    assertThat(keeps("timestamp = '2026-11-01T00:00:00.000000001Z'", event)).isTrue();
    assertThat(keeps("timestamp > 1793491200000", event)).isTrue();
  }

  @Test
  void quotedIdentifiersAndEscapedQuotes() {
    Record event = event("type", "it's", "value", "say \"hi\"");

    assertThat(keeps("\"type\" = 'it''s'", event)).isTrue();
    assertThat(keeps("type = 'it''s' AND \"value\" = 'say \"hi\"'", event)).isTrue();
    assertThat(keeps("type IN ('it''s')", event)).isTrue();
    assertThat(keeps("type = 'its'", event)).isFalse();
    assertThat(keeps("value = ''", event(("value"), ""))).isTrue();
    assertThat(keeps("value = ''''", event(("value"), "'"))).isTrue();
  }

  @Test
  void keywordsAndUnquotedNamesIgnoreCase() {
    assertThat(keeps("OP = 'put' and Seq In (1) oR not TYPE is null", event())).isTrue();
    assertThat(keeps("op = 'PUT'", event())).isFalse();
  }

  @Test
  void stringsCompareByCodePoint() {
    // UTF-16 would put the surrogate pair of U+1F600 before U+FF21; code point order puts it after.
    Record event = event("value", "\uD83D\uDE00");

    assertThat(keeps("value > '\uFF21'", event)).isTrue();
    assertThat(keeps("value < '\uFF21'", event)).isFalse();
    assertThat(keeps("value = '\uD83D\uDE00'", event)).isTrue();
  }

  @Test
  void filterIsReusableAcrossEvents() {
    EventFilter filter = EventFilter.parse("seq > 10 OR ns = 'keep'", SCHEMA);

    assertThat(filter.test(event("seq", 11L))).isTrue();
    assertThat(filter.test(event("seq", 10L))).isFalse();
    assertThat(filter.test(event("seq", 10L, "ns", "keep"))).isTrue();
  }
}
