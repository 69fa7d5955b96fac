package dev.floe.core.filter;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.apache.iceberg.types.Type;

/** Turns a literal into the constant its column compares with, or says why it cannot. */
final class Literals {
  private static final BigDecimal MIN_INT = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal MAX_INT = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal MIN_LONG = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigDecimal MAX_FLOAT = new BigDecimal(Float.MAX_VALUE);
  private static final BigDecimal MAX_DOUBLE = new BigDecimal(Double.MAX_VALUE);

  private Literals() {}

  /** Returns the constant for {@link ValueKind#orderAgainst}; the literal is never NULL. */
  static Object coerce(Expr.Literal literal, BoundColumn column, String source) {
    switch (column.kind()) {
      case STRING:
        if (literal instanceof Expr.StringLiteral string) {
          return string.value();
        }
        break;
      case INTEGRAL:
        if (literal instanceof Expr.NumberLiteral number) {
          return integral(number, column, source);
        }
        break;
      case FLOATING:
        if (literal instanceof Expr.NumberLiteral number) {
          return floating(number, column, source);
        }
        break;
      case BOOLEAN:
        if (literal instanceof Expr.BooleanLiteral bool) {
          return bool.value();
        }
        break;
      case TIMESTAMP_TZ:
      case TIMESTAMP:
        if (literal instanceof Expr.StringLiteral || literal instanceof Expr.NumberLiteral) {
          return timestamp(literal, column, source);
        }
        break;
      case DATE:
        if (literal instanceof Expr.StringLiteral string) {
          return date(string, column, source);
        }
        break;
    }
    throw mismatch(literal, column, source, null);
  }

  /** An integer literal must fit the column, so a typo such as an extra digit fails loudly. */
  private static Object integral(Expr.NumberLiteral number, BoundColumn column, String source) {
    BigDecimal value = number.value();
    boolean isInt = column.type().typeId() == Type.TypeID.INTEGER;
    BigDecimal min = isInt ? MIN_INT : MIN_LONG;
    BigDecimal max = isInt ? MAX_INT : MAX_LONG;
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw mismatch(number, column, source, "out of range for " + column.type());
    }
    return isWhole(value) ? (Object) value.longValueExact() : value;
  }

  /**
   * Rounds to the column's own precision, as SQL casts a literal to the column type: otherwise
   * {@code f = 0.1} on a float column would compare 0.1f with 0.1 and never match.
   */
  private static Object floating(Expr.NumberLiteral number, BoundColumn column, String source) {
    boolean isFloat = column.type().typeId() == Type.TypeID.FLOAT;
    if (number.value().abs().compareTo(isFloat ? MAX_FLOAT : MAX_DOUBLE) > 0) {
      throw mismatch(number, column, source, "out of range for " + column.type());
    }
    return isFloat ? (double) number.value().floatValue() : number.value().doubleValue();
  }

  private static Instant timestamp(Expr.Literal literal, BoundColumn column, String source) {
    boolean withZone = column.kind() == ValueKind.TIMESTAMP_TZ;
    String expected =
        withZone
            ? "expected an RFC 3339 timestamp such as '2026-11-01T00:00:00Z' or epoch milliseconds"
            : "expected a timestamp without time zone such as '2026-11-01T00:00:00'"
                + " or epoch milliseconds";
    if (literal instanceof Expr.NumberLiteral number) {
      if (!isWhole(number.value())
          || number.value().compareTo(MIN_LONG) < 0
          || number.value().compareTo(MAX_LONG) > 0) {
        throw mismatch(literal, column, source, expected);
      }
      return Instant.ofEpochMilli(number.value().longValueExact());
    }
    String text = ((Expr.StringLiteral) literal).value();
    try {
      return withZone
          ? OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant()
          : LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
              .toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw mismatch(literal, column, source, expected);
    }
  }

  private static LocalDate date(Expr.StringLiteral literal, BoundColumn column, String source) {
    try {
      return LocalDate.parse(literal.value(), DateTimeFormatter.ISO_LOCAL_DATE);
    } catch (DateTimeParseException e) {
      throw mismatch(literal, column, source, "expected a date such as '2026-11-01'");
    }
  }

  private static boolean isWhole(BigDecimal value) {
    return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
  }

  private static IllegalArgumentException mismatch(
      Expr.Literal literal, BoundColumn column, String source, String reason) {
    return FilterErrors.at(
        source,
        literal.start(),
        "cannot compare "
            + column.describe()
            + " with "
            + FilterErrors.shorten(literal.text())
            + (reason == null ? "" : ": " + reason));
  }
}
