package dev.floe.core.filter;

import static dev.floe.core.filter.TestEvents.SCHEMA;
import static dev.floe.core.filter.TestEvents.event;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventFilterErrorsTest {

  private static void assertInvalid(Schema schema, String expression, int position, String detail) {
    assertThatThrownBy(() -> EventFilter.parse(expression, schema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid filter at position %d: %s in: %s", position, detail, expression);
  }

  @Test
  void unknownColumnNamesTheColumnAndQuotesTheExpression() {
    assertThatThrownBy(() -> EventFilter.parse("opp = 'x'", SCHEMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid filter at position 1: unknown column 'opp' in: opp = 'x'");
  }

  @Test
  void wrongLiteralTypeNamesColumnTypeAndLiteral() {
    assertThatThrownBy(() -> EventFilter.parse("op = 'put' AND seq = 'abc'", SCHEMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid filter at position 22: cannot compare column 'seq' (long) with 'abc'"
                + " in: op = 'put' AND seq = 'abc'");
  }

  // Each row: expression, 1-based position, detail.
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        // columns and types
        "op = 'put' AND \"Op\" = 'x' | 16 | unknown column 'Op'",
        "op = 5                    | 6  | cannot compare column 'op' (string) with 5",
        "'abc' < seq               | 1  | cannot compare column 'seq' (long) with 'abc'",
        "op = TRUE                 | 6  | cannot compare column 'op' (string) with TRUE",
        "seq = 9223372036854775808 | 7  | cannot compare column 'seq' (long) with"
            + " 9223372036854775808: out of range for long",
        "seq > -9223372036854775808.5 | 7 | cannot compare column 'seq' (long) with"
            + " -9223372036854775808.5: out of range for long",
        "timestamp > '2026-13-01T00:00:00Z' | 13 | cannot compare column 'timestamp' (timestamptz)"
            + " with '2026-13-01T00:00:00Z': expected an RFC 3339 timestamp such as"
            + " '2026-11-01T00:00:00Z' or epoch milliseconds",
        "timestamp > '2026-11-01T00:00:00' | 13 | cannot compare column 'timestamp' (timestamptz)"
            + " with '2026-11-01T00:00:00': expected an RFC 3339 timestamp such as"
            + " '2026-11-01T00:00:00Z' or epoch milliseconds",
        "timestamp > 1.5           | 13 | cannot compare column 'timestamp' (timestamptz) with"
            + " 1.5: expected an RFC 3339 timestamp such as '2026-11-01T00:00:00Z' or epoch"
            + " milliseconds",
        "timestamp = TRUE          | 13 | cannot compare column 'timestamp' (timestamptz) with"
            + " TRUE",
        "op = seq                  | 4  | cannot compare column 'op' (string) with column 'seq'"
            + " (long)",
        "1 = 1                     | 3  | cannot compare two literals; one side must be a column",
        "op                        | 1  | column 'op' (string) is not boolean, so it cannot stand"
            + " alone as a condition",
        "op = NULL                 | 6  | comparison with NULL is never true; use IS NULL or IS NOT"
            + " NULL",
        "NULL != op                | 1  | comparison with NULL is never true; use IS NULL or IS NOT"
            + " NULL",
        "op IN ('a', NULL)         | 13 | NULL in an IN list never matches; use IS NULL or IS NOT"
            + " NULL",
        "seq IN (1, 'two')         | 12 | cannot compare column 'seq' (long) with 'two'",
        // syntax
        "type IN ()                | 9  | empty IN list",
        "op = 'x' garbage          | 10 | expected AND, OR or end of input but found 'garbage'",
        "op = 'abc                 | 6  | unterminated string",
        "\"op = 'x'                | 1  | unterminated quoted identifier",
        "\"\" = 'x'                | 1  | empty quoted identifier",
        "(op = 'x' OR seq = 1      | 21 | expected ')' to close '(' at position 1 but found end of"
            + " input",
        "(op = 'x' seq = 1)        | 11 | expected ')' to close '(' at position 1 but found 'seq'",
        "op = 'x')                 | 9  | unbalanced ')'",
        "op = 'x' & seq = 1        | 10 | unexpected character '&'",
        "seq = 1e5                 | 7  | invalid number '1e5'",
        "seq = 1.2.3               | 7  | invalid number '1.2.3'",
        "seq = 12abc               | 7  | invalid number '12abc'",
        "seq = - 5                 | 7  | unexpected character '-'",
        "op =                      | 5  | expected a column or literal after '=' but found end of"
            + " input",
        "op = AND                  | 6  | expected a column or literal after '=' but found 'AND'",
        "op == 'x'                 | 5  | expected a column or literal after '=' but found '='",
        "op = 'x' AND              | 13 | expected a condition but found end of input",
        "op = 'x' OR OR seq = 1    | 13 | expected a condition but found 'OR'",
        "()                        | 2  | expected a condition but found ')'",
        "5                         | 1  | expected a condition but found '5'",
        "NULL                      | 1  | expected a condition but found 'NULL'",
        "op 'x'                    | 4  | expected a comparison, IN or IS after 'op' but found 'x'",
        "op NOT LIKE 'x'           | 8  | expected IN after NOT but found 'LIKE'",
        "op IS 'x'                 | 7  | expected NULL or NOT NULL after IS but found 'x'",
        "'x' 'y'                   | 5  | expected a comparison, IN or IS after 'x' but found 'y'",
        "\"op\" seq                | 6  | expected a comparison, IN or IS after \"op\" but found"
            + " 'seq'",
        "op IS NOT 5               | 11 | expected NULL or NOT NULL after IS but found '5'",
        "'x' IN ('a')              | 1  | expected a column before IN but found 'x'",
        "5 IS NULL                 | 1  | expected a column before IS but found '5'",
        "op IN ('a', seq)          | 13 | expected a literal in the IN list but found column 'seq'",
        "op IN ('a' 'b')           | 12 | expected ',' or ')' in the IN list at position 7 but"
            + " found 'b'",
        "op IN ('a',)              | 12 | expected a literal but found ')'",
        "op IN 'a'                 | 7  | expected '(' after IN but found 'a'",
      })
  void invalidExpressionsReportWhatAndWhere(String expression, int position, String detail) {
    assertInvalid(SCHEMA, expression.strip(), position, detail);
  }

  @Test
  void positionsCountCodePointsAndNewlines() {
    // The emoji is two chars but one character on screen.
    assertInvalid(SCHEMA, "value = '\uD83D\uDE00' AND opp = 'x'", 17, "unknown column 'opp'");
    assertInvalid(SCHEMA, "op = 'x'\nAND opp = 'y'", 14, "unknown column 'opp'");
  }

  @Test
  void controlCharactersAreShownAsCodePoints() {
    assertInvalid(SCHEMA, "op = 'x' \u0000", 10, "unexpected character U+0000");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", " \n\t "})
  void emptyExpressionIsInvalid(String expression) {
    assertThatThrownBy(() -> EventFilter.parse(expression, SCHEMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid filter: expression is empty");
  }

  @Test
  void expressionLongerThan64KibIsRejectedWithoutEchoingIt() {
    String atLimit = "op = '" + "a".repeat(Parser.MAX_LENGTH - 7) + "'";
    String overLimit = "op = '" + "a".repeat(Parser.MAX_LENGTH - 6) + "'";

    assertThat(atLimit).hasSize(65536);
    assertThat(EventFilter.parse(atLimit, SCHEMA).test(event())).isFalse();
    assertThatThrownBy(() -> EventFilter.parse(overLimit, SCHEMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid filter: expression is 65537 characters long, more than the limit of 65536");
  }

  @Test
  void longExpressionIsEchoedAroundTheError() {
    String expression = "op = '" + "a".repeat(300) + "' AND opp = 'x'";

    assertThatThrownBy(() -> EventFilter.parse(expression, SCHEMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid filter at position 313: unknown column 'opp' in: ..."
                + expression.substring(232));
  }

  @Test
  void longLiteralIsShortenedInMessages() {
    assertInvalid(
        SCHEMA,
        "seq = '" + "x".repeat(100) + "'",
        7,
        "cannot compare column 'seq' (long) with '" + "x".repeat(36) + "...");
    assertInvalid(
        ColumnTypesTest.SCHEMA,
        "f < 1" + "0".repeat(40),
        5,
        "cannot compare column 'f' (float) with 1"
            + "0".repeat(36)
            + "...: out of range for float");
  }

  @Test
  void nestingIsLimitedTo100Parentheses() {
    String atLimit = "(".repeat(100) + "op = 'put'" + ")".repeat(100);
    String overLimit = "(".repeat(101) + "op = 'put'" + ")".repeat(101);

    assertThat(EventFilter.parse(atLimit, SCHEMA).test(event())).isTrue();
    assertThatThrownBy(() -> EventFilter.parse(overLimit, SCHEMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid filter at position 101: parentheses nested deeper than 100 levels in: ...((");
    assertThatThrownBy(() -> EventFilter.parse("(".repeat(50_000), SCHEMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid filter at position 101: parentheses nested deeper than 100 levels");
  }

  @Test
  void longFlatChainsNeitherRecurseNorOverflow() {
    String nots = "NOT ".repeat(10_000) + "op = 'put'";
    String ors = "seq = 0 OR ".repeat(5_000) + "op = 'put'";
    String ands = "op = 'put' AND ".repeat(4_000) + "seq = 0";

    assertThat(EventFilter.parse(nots, SCHEMA).test(event())).isTrue();
    assertThat(EventFilter.parse("NOT " + nots, SCHEMA).test(event())).isFalse();
    assertThat(EventFilter.parse(ors, SCHEMA).test(event())).isTrue();
    assertThat(EventFilter.parse(ands, SCHEMA).test(event())).isFalse();
  }

  @Test
  void columnTypeErrors() {
    Schema schema = ColumnTypesTest.SCHEMA;
    assertInvalid(
        schema,
        "i = 3000000000",
        5,
        "cannot compare column 'i' (int) with 3000000000: out of range for int");
    assertInvalid(
        schema,
        "i = -2147483649",
        5,
        "cannot compare column 'i' (int) with -2147483649: out of range for int");
    assertInvalid(schema, "b = 1", 5, "cannot compare column 'b' (boolean) with 1");
    assertInvalid(
        schema,
        "dt = '2026-11-31'",
        6,
        "cannot compare column 'dt' (date) with '2026-11-31': expected a date such as"
            + " '2026-11-01'");
    assertInvalid(
        schema,
        "ts = '2026-11-01T00:00:00Z'",
        6,
        "cannot compare column 'ts' (timestamp) with '2026-11-01T00:00:00Z': expected a timestamp"
            + " without time zone such as '2026-11-01T00:00:00' or epoch milliseconds");
    assertInvalid(
        schema,
        "ts = ts_ns",
        4,
        "cannot compare column 'ts' (timestamp) with column 'ts_ns' (timestamptz_ns)");
    assertInvalid(
        schema,
        "payload = 'x'",
        1,
        "cannot compare column 'payload' (binary); only IS NULL and IS NOT NULL apply to it");
    assertInvalid(
        schema, "i", 1, "column 'i' (int) is not boolean, so it cannot stand alone as a condition");
  }

  @Test
  void unquotedNameMatchingSeveralColumnsIgnoringCaseIsAmbiguous() {
    Schema schema =
        new Schema(
            optional(1, "Kind", Types.StringType.get()),
            optional(2, "KIND", Types.StringType.get()));

    assertInvalid(
        schema,
        "kind = 'x'",
        1,
        "ambiguous column 'kind' matches \"Kind\", \"KIND\"; quote the one you mean");
    assertThat(EventFilter.parse("\"Kind\" = 'x' AND KIND = 'y'", schema)).isNotNull();
  }
}
