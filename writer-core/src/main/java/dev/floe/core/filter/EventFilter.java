package dev.floe.core.filter;

import java.util.Objects;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;

/**
 * A SQL WHERE-style condition on decoded events, such as {@code op != '_internal' AND type NOT IN
 * ('_internal', '_tombstone')}, as Cloudflare Pipelines offers. It is parsed and type-checked once
 * against the table schema, so a bad filter fails at startup rather than on the first event.
 *
 * <p>Grammar: comparisons ({@code = != <> < <= > >=}) between a column and a literal or two
 * columns; {@code [NOT] IN (literal, ...)}; {@code IS [NOT] NULL}; a boolean column on its own;
 * {@code TRUE}, {@code FALSE}; {@code NOT}, {@code AND}, {@code OR} (in that precedence) and
 * parentheses. Keywords are case-insensitive; columns may be "double-quoted"; strings are
 * single-quoted with '' for a quote; numbers are decimal, optionally negative. Timestamp columns
 * take an RFC 3339 string or epoch milliseconds; date columns an ISO date string.
 *
 * <p>Evaluation follows SQL's three-valued logic: a comparison with a null value is unknown, and
 * only events for which the whole condition is true are kept. Instances are immutable and safe to
 * share between threads.
 */
public final class EventFilter {
  private static final EventFilter ACCEPT_ALL =
      new EventFilter("TRUE", new Condition.Constant(Truth.TRUE));

  private final String expression;
  private final Condition condition;

  private EventFilter(String expression, Condition condition) {
    this.expression = expression;
    this.condition = condition;
  }

  /**
   * Parses and type-checks an expression against the schema the events are built with.
   *
   * @throws IllegalArgumentException if the expression is empty, longer than 65,536 characters,
   *     nested deeper than 100 parentheses, malformed, names an unknown column, or compares a
   *     column with a value of the wrong type; the message starts "Invalid filter", gives the
   *     1-based character position where one applies, and quotes the expression (around the error,
   *     when it is long)
   */
  public static EventFilter parse(String expression, Schema schema) {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(schema, "schema");
    Expr tree = Parser.parse(expression);
    return new EventFilter(expression, Compiler.compile(tree, schema, expression));
  }

  /** A filter that keeps every event; its expression is {@code TRUE}. */
  public static EventFilter acceptAll() {
    return ACCEPT_ALL;
  }

  /**
   * True when the event is kept: the condition is TRUE. FALSE and unknown (NULL) drop it, as in
   * SQL. The event must be built against the schema the filter was parsed with: columns are read by
   * position.
   */
  public boolean test(Record event) {
    return condition.evaluate(event) == Truth.TRUE;
  }

  /** The expression as given to {@link #parse}, or {@code TRUE} for {@link #acceptAll()}. */
  public String expression() {
    return expression;
  }

  @Override
  public String toString() {
    return "EventFilter[" + expression + "]";
  }
}
