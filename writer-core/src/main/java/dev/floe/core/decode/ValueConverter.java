package dev.floe.core.decode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonParser.NumberType;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Turns the current JSON value into the Iceberg generic value of a column, or rejects it.
 *
 * <p>Values are never coerced across JSON types (no "42" for a long, no 1 for a boolean): a
 * producer that sends the wrong type has a bug that a dead-letter line makes visible.
 */
final class ValueConverter {
  /** Iceberg stores timestamps as epoch micros in a long; later instants cannot be written. */
  private static final long MAX_EPOCH_SECOND = Long.MAX_VALUE / 1_000_000 - 1;

  private static final long MIN_EPOCH_SECOND = Long.MIN_VALUE / 1_000_000 + 1;

  private final NestedJson nested;

  ValueConverter(NestedJson nested) {
    this.nested = nested;
  }

  /**
   * Converts the non-null value whose first token is current; for objects and arrays, consumes it.
   */
  Object convert(Column column, JsonParser parser, JsonToken token) throws IOException {
    return switch (column.kind()) {
      case STRING ->
          token == JsonToken.VALUE_STRING ? allowed(column, parser.getText()) : wrongType(column, token);
      case JSON ->
          token == JsonToken.VALUE_STRING
              ? parser.getText()
              : nested.copy(parser, token, 1, column.name());
      case INT -> toInt(column, parser, token);
      case LONG -> toLong(column, parser, token);
      case FLOAT -> toFloat(column, parser, token);
      case DOUBLE -> toDouble(column, parser, token);
      case BOOLEAN -> toBoolean(column, token);
      case TIMESTAMPTZ -> toInstant(column, parser, token).atOffset(ZoneOffset.UTC);
      case TIMESTAMP -> toInstant(column, parser, token).atOffset(ZoneOffset.UTC).toLocalDateTime();
      case DATE -> toDate(column, parser, token);
    };
  }

  /** The string itself, when the column allows any value or this one. */
  private static String allowed(Column column, String text) {
    List<String> allowed = column.allowed();
    if (allowed.isEmpty() || allowed.contains(text)) {
      return text;
    }
    String expected = "not one of " + String.join(", ", allowed);
    if (text.isEmpty()) {
      throw new InvalidEventException(column.label() + " is empty, " + expected);
    }
    String reason = column.label() + " " + InvalidEventException.quote(text) + " is " + expected;
    for (String value : allowed) {
      if (value.equalsIgnoreCase(text)) {
        reason += ": '" + value + "' (case matters)?";
      }
    }
    throw new InvalidEventException(reason);
  }

  private static Integer toInt(Column column, JsonParser parser, JsonToken token)
      throws IOException {
    requireInteger(column, parser, token);
    if (parser.getNumberType() != NumberType.INT) {
      throw outOfRange(column);
    }
    return parser.getIntValue();
  }

  private static Long toLong(Column column, JsonParser parser, JsonToken token) throws IOException {
    requireInteger(column, parser, token);
    if (parser.getNumberType() == NumberType.BIG_INTEGER) {
      throw outOfRange(column);
    }
    return parser.getLongValue();
  }

  private static Float toFloat(Column column, JsonParser parser, JsonToken token)
      throws IOException {
    requireNumber(column, token);
    float value = parser.getFloatValue();
    if (Float.isInfinite(value)) {
      throw outOfRange(column);
    }
    return value;
  }

  private static Double toDouble(Column column, JsonParser parser, JsonToken token)
      throws IOException {
    requireNumber(column, token);
    double value = parser.getDoubleValue();
    if (Double.isInfinite(value)) {
      throw outOfRange(column);
    }
    return value;
  }

  private static Boolean toBoolean(Column column, JsonToken token) {
    return switch (token) {
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      default -> wrongType(column, token);
    };
  }

  /** An integer is Unix epoch milliseconds; a string is RFC 3339 / ISO-8601 with an offset. */
  private static Instant toInstant(Column column, JsonParser parser, JsonToken token)
      throws IOException {
    Instant instant;
    TimestampWindow window = column.window();
    if (token == JsonToken.VALUE_STRING) {
      String text = parser.getText();
      try {
        instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        throw invalidText(column, text);
      }
      if (window != null && !window.contains(instant)) {
        throw outsideWindow(column, InvalidEventException.quote(text), instant, window, "");
      }
    } else {
      requireInteger(column, parser, token);
      if (parser.getNumberType() == NumberType.BIG_INTEGER) {
        throw outOfRange(column);
      }
      long number = parser.getLongValue();
      TimestampUnit unit = TimestampUnit.MILLISECOND;
      instant = Instant.ofEpochMilli(number);
      if (window != null && !window.contains(instant)) {
        throw outsideWindow(column, Long.toString(number), instant, window, unitHint(number, unit, window));
      }
    }
    if (instant.getEpochSecond() > MAX_EPOCH_SECOND
        || instant.getEpochSecond() < MIN_EPOCH_SECOND) {
      throw outOfRange(column);
    }
    return instant;
  }

  private static InvalidEventException outsideWindow(
      Column column, String shown, Instant instant, TimestampWindow window, String hint) {
    return new InvalidEventException(
        column.label()
            + " "
            + shown
            + " is in "
            + instant.atOffset(ZoneOffset.UTC).getYear()
            + ", outside "
            + window.text()
            + hint);
  }

  /**
   * The likely mistake when a number read in {@code unit} is outside the window: another unit
   * under which it falls inside. A unit mistake is a factor of 1000 and moves a timestamp by
   * decades, so only a value more than a year out gets a hint, and only towards the window (a
   * coarser unit for one too early, a finer one for one too late).
   */
  static String unitHint(long number, TimestampUnit unit, TimestampWindow window) {
    Instant instant = unit.instant(number).orElse(null);
    boolean early = instant != null && instant.isBefore(window.min());
    Duration year = Duration.ofDays(365);
    if (instant != null
        && !instant.isBefore(window.min().minus(year))
        && instant.isBefore(window.max().plus(year))) {
      return "";
    }
    for (TimestampUnit other : TimestampUnit.values()) {
      boolean towards = early ? other.ordinal() < unit.ordinal() : other.ordinal() > unit.ordinal();
      if (towards && other.instant(number).filter(window::contains).isPresent()) {
        return ": " + other.plural() + " instead of " + unit.plural() + "?";
      }
    }
    return "";
  }

  private static LocalDate toDate(Column column, JsonParser parser, JsonToken token)
      throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      return wrongType(column, token);
    }
    String text = parser.getText();
    LocalDate date;
    try {
      date = LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE);
    } catch (DateTimeParseException e) {
      throw invalidText(column, text);
    }
    // Iceberg stores a date as int days since the epoch.
    if (date.toEpochDay() != (int) date.toEpochDay()) {
      throw outOfRange(column);
    }
    return date;
  }

  private static void requireNumber(Column column, JsonToken token) {
    if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
      wrongType(column, token);
    }
  }

  private static void requireInteger(Column column, JsonParser parser, JsonToken token)
      throws IOException {
    if (token == JsonToken.VALUE_NUMBER_FLOAT) {
      throw new InvalidEventException(
          column.label()
              + " must be "
              + column.kind().description()
              + ", got fractional number "
              + InvalidEventException.shorten(parser.getText()));
    }
    if (token != JsonToken.VALUE_NUMBER_INT) {
      wrongType(column, token);
    }
  }

  /** Declared to return a value so that switch arms can throw through it. */
  static <T> T wrongType(Column column, JsonToken token) {
    throw new InvalidEventException(
        column.label() + " must be " + column.kind().description() + ", got " + jsonType(token));
  }

  private static InvalidEventException invalidText(Column column, String text) {
    return new InvalidEventException(
        column.label()
            + " must be "
            + column.kind().description()
            + ", got "
            + InvalidEventException.quote(text));
  }

  private static InvalidEventException outOfRange(Column column) {
    return new InvalidEventException(
        column.label() + " is out of range for " + column.kind().name().toLowerCase(Locale.ROOT));
  }

  static String jsonType(JsonToken token) {
    if (token == null) {
      // Jackson reads a line of only control bytes such as NUL as no token at all.
      return "no JSON value";
    }
    return switch (token) {
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      case START_OBJECT -> "object";
      case START_ARRAY -> "array";
      default -> token.toString();
    };
  }
}
