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
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

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

  private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final long MAX_UINT32 = (1L << 32) - 1;

  private final NestedJson nested;
  private final int maxDepth;
  private final int maxFields;

  ValueConverter(NestedJson nested, DecodeLimits limits) {
    this.nested = nested;
    this.maxDepth = limits.maxNestingDepth();
    this.maxFields = limits.maxFields();
  }

  /**
   * Converts the non-null value whose first token is current; for objects and arrays, consumes it.
   *
   * @param depth nesting depth of the object holding the value; the event object is depth 1
   */
  Object convert(Column column, JsonParser parser, JsonToken token, int depth) throws IOException {
    return switch (column.kind()) {
      case STRING ->
          token == JsonToken.VALUE_STRING ? allowed(column, parser.getText()) : wrongType(column, token);
      case JSON ->
          token == JsonToken.VALUE_STRING
              ? parser.getText()
              : nested.copy(parser, token, depth, column.path());
      case UINT32 -> toUint32(column, parser, token);
      case UINT64 -> toUint64(column, parser, token);
      case DECIMAL -> toDecimal(column, parser, token);
      case BINARY -> toBinary(column, parser, token);
      case STRUCT -> toStruct(column, parser, token, depth);
      case LIST -> toList(column, parser, token, depth);
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

  private Record toStruct(Column column, JsonParser parser, JsonToken token, int depth) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      return wrongType(column, token);
    }
    requireDepth(column, depth);
    Columns fields = column.fields();
    GenericRecord record = GenericRecord.create(column.type().asStructType());
    boolean[] seen = new boolean[fields.size()];
    Set<String> unknown = null;
    int count = 0;
    JsonToken next;
    while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
      if (++count > maxFields) {
        throw new InvalidEventException(column.label() + " holds an object with more than " + maxFields + " fields");
      }
      String name = parser.currentName();
      Column field = fields.find(name);
      JsonToken value = parser.nextToken();
      if (field == null) {
        unknown = unknown == null ? new HashSet<>() : unknown;
        if (!unknown.add(name)) {
          throw duplicate(column, name);
        }
        nested.skip(parser, value, depth + 1, column.path() + "." + name);
        continue;
      }
      if (seen[field.position()]) {
        throw duplicate(column, name);
      }
      seen[field.position()] = true;
      if (value == JsonToken.VALUE_NULL) {
        if (field.required()) {
          throw new InvalidEventException("required " + field.label() + " is null");
        }
        continue;
      }
      record.set(field.position(), convert(field, parser, value, depth + 1));
    }
    if (next != JsonToken.END_OBJECT) {
      throw new InvalidEventException("invalid JSON: unexpected end of input in " + column.label());
    }
    for (Column field : fields.all()) {
      if (field.required() && !seen[field.position()]) {
        throw new InvalidEventException("missing required " + field.label());
      }
    }
    return record;
  }

  private List<Object> toList(Column column, JsonParser parser, JsonToken token, int depth) throws IOException {
    if (token != JsonToken.START_ARRAY) {
      return wrongType(column, token);
    }
    requireDepth(column, depth);
    Column element = column.element();
    List<Object> values = new ArrayList<>();
    JsonToken next;
    while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (next == null) {
        throw new InvalidEventException("invalid JSON: unexpected end of input in " + column.label());
      }
      if (next == JsonToken.VALUE_NULL) {
        if (element.required()) {
          throw new InvalidEventException(column.label() + " holds a null, but its elements are required");
        }
        values.add(null);
      } else {
        values.add(convert(element, parser, next, depth + 1));
      }
    }
    return values;
  }

  private void requireDepth(Column column, int depth) {
    if (depth + 1 > maxDepth) {
      throw new InvalidEventException(column.label() + " nests deeper than " + maxDepth + " levels");
    }
  }

  private static InvalidEventException duplicate(Column struct, String name) {
    return new InvalidEventException("duplicate field " + InvalidEventException.quote(struct.path() + "." + name));
  }

  private static Long toUint32(Column column, JsonParser parser, JsonToken token) throws IOException {
    requireInteger(column, parser, token);
    if (parser.getNumberType() == NumberType.BIG_INTEGER) {
      throw outOfRange(column);
    }
    long value = parser.getLongValue();
    if (value < 0 || value > MAX_UINT32) {
      throw new InvalidEventException(column.label() + " " + value + " is out of range for uint32");
    }
    return value;
  }

  /** A non-negative integer below 2^64, as a number or (since JavaScript cannot hold one) a string. */
  private static BigDecimal toUint64(Column column, JsonParser parser, JsonToken token) throws IOException {
    BigInteger value;
    if (token == JsonToken.VALUE_STRING) {
      String text = parser.getText();
      if (text.isEmpty() || text.length() > 20 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw invalidText(column, text);
      }
      value = new BigInteger(text);
    } else {
      requireInteger(column, parser, token);
      value = parser.getBigIntegerValue();
    }
    if (value.signum() < 0 || value.compareTo(MAX_UINT64) > 0) {
      throw new InvalidEventException(
          column.label() + " " + InvalidEventException.shorten(value.toString()) + " is out of range for uint64");
    }
    return new BigDecimal(value);
  }

  /** A number or a numeric string, exactly: never rounded to fit the column's scale. */
  private static BigDecimal toDecimal(Column column, JsonParser parser, JsonToken token) throws IOException {
    BigDecimal value;
    String shown;
    if (token == JsonToken.VALUE_STRING) {
      shown = parser.getText();
      try {
        value = new BigDecimal(shown.strip());
      } catch (NumberFormatException e) {
        throw invalidText(column, shown);
      }
    } else {
      requireNumber(column, token);
      shown = parser.getText();
      value = parser.getDecimalValue();
    }
    Types.DecimalType type = (Types.DecimalType) column.type();
    String label = column.label() + " " + InvalidEventException.shorten(shown);
    // Integer digits first: setScale on 1e999999999 would build a billion-digit number.
    if (value.signum() != 0 && value.precision() - value.scale() > type.precision() - type.scale()) {
      throw new InvalidEventException(label + " does not fit " + type);
    }
    try {
      value = value.setScale(type.scale());
    } catch (ArithmeticException e) {
      throw new InvalidEventException(label + " has more than " + type.scale() + " decimal places for " + type);
    }
    if (value.precision() > type.precision()) {
      throw new InvalidEventException(label + " does not fit " + type);
    }
    return value;
  }

  private static ByteBuffer toBinary(Column column, JsonParser parser, JsonToken token) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      return wrongType(column, token);
    }
    String text = parser.getText();
    try {
      return ByteBuffer.wrap(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      throw invalidText(column, text);
    }
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
    TimestampUnit unit = column.unit();
    if (token == JsonToken.VALUE_STRING) {
      String text = parser.getText();
      if (!column.timestamps().acceptsStrings()) {
        throw new InvalidEventException(
            column.label() + " must be a number of " + unit.plural() + " (timestamp_format unix_millis), got string "
                + InvalidEventException.quote(text));
      }
      try {
        instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        throw invalidText(column, text);
      }
      if (window != null && !window.contains(instant)) {
        throw outsideWindow(column, InvalidEventException.quote(text), instant, window, "");
      }
    } else {
      if (!column.timestamps().acceptsNumbers()
          && (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT)) {
        throw new InvalidEventException(
            column.label() + " must be an RFC 3339 string (timestamp_format rfc3339), got number "
                + InvalidEventException.shorten(parser.getText()));
      }
      requireInteger(column, parser, token);
      if (parser.getNumberType() == NumberType.BIG_INTEGER) {
        throw outOfRange(column);
      }
      long number = parser.getLongValue();
      instant = unit.instant(number).orElseThrow(() -> outOfRange(column));
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
