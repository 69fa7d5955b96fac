package dev.floe.core.decode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes the common NDJSON line straight from its bytes into an {@link EventRow}: no parser, no
 * String and no boxed value per field. It accepts only lines it understands completely, and for
 * those it yields exactly the values of the Jackson path ({@link ObjectDecoder}); anything else
 * (a reject, an RFC 3339 timestamp, a float column, whitespace inside a nested JSON value, a
 * lone surrogate escape, ...) makes it answer false, and the line goes the Jackson way, which
 * decides and words every reject. So this class never rejects and never needs to be right about
 * why a line is bad, only about which lines are plainly good.
 *
 * <p>The line must be valid UTF-8 already ({@link Utf8Validator}). Not thread-safe.
 */
final class FastLineDecoder {
  /** Iceberg stores timestamps as epoch micros in a long; as {@link ValueConverter}. */
  private static final long MAX_EPOCH_SECOND = Long.MAX_VALUE / 1_000_000 - 1;

  private static final long MIN_EPOCH_SECOND = Long.MIN_VALUE / 1_000_000 + 1;

  /** Unknown keys remembered per line to detect a repeated one; more go the Jackson way. */
  private static final int MAX_UNKNOWN_KEYS = 16;

  /** Numbers longer than this go the Jackson way, which applies its own length limit. */
  private static final int MAX_NUMBER_CHARS = 100;

  private final Column[] columns;
  private final byte[][] names;
  /** Per column: the UTF-8 of its allowed values, or null when any value is allowed. */
  private final byte[][][] allowed;
  /** Per timestamp column: the epoch millis it accepts, {@code [minMillis, maxMillis)}. */
  private final long[] minMillis;
  private final long[] maxMillis;
  private final int maxFields;
  private final int maxDepth;
  private final int[] seen;
  private int generation;
  private final int[] unknownStarts = new int[MAX_UNKNOWN_KEYS];
  private final int[] unknownLengths = new int[MAX_UNKNOWN_KEYS];

  /** Field count and kind per open container of a nested JSON value; deeper goes the Jackson way. */
  private final int[] nestedFields;

  private final boolean[] nestedIsObject;

  private byte[] buf;
  private int pos;
  private int end;

  FastLineDecoder(Columns columns, DecodeLimits limits) {
    this.columns = columns.all().toArray(new Column[0]);
    this.names = new byte[this.columns.length][];
    this.allowed = new byte[this.columns.length][][];
    this.minMillis = new long[this.columns.length];
    this.maxMillis = new long[this.columns.length];
    for (int i = 0; i < this.columns.length; i++) {
      Column column = this.columns[i];
      names[i] = column.name().getBytes(StandardCharsets.UTF_8);
      if (!column.allowed().isEmpty()) {
        allowed[i] = column.allowed().stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
      }
      TimestampWindow window = column.window();
      if (!column.timestamps().acceptsNumbers() || column.unit() != TimestampUnit.MILLISECOND) {
        // Numbers are refused (RFC 3339 only) or in another unit: every timestamp the Jackson way.
        minMillis[i] = Long.MAX_VALUE;
        maxMillis[i] = Long.MIN_VALUE;
        continue;
      }
      // Without a window, what Iceberg can store, as in ValueConverter; outside, the Jackson way.
      minMillis[i] = window == null ? MIN_EPOCH_SECOND * 1000 : ceilMillis(window.min());
      maxMillis[i] = window == null ? (MAX_EPOCH_SECOND + 1) * 1000 : ceilMillis(window.max());
    }
    this.maxFields = limits.maxFields();
    this.maxDepth = limits.maxNestingDepth();
    this.seen = new int[this.columns.length];
    this.nestedFields = new int[Math.min(maxDepth + 1, 64)];
    this.nestedIsObject = new boolean[nestedFields.length];
  }

  /** Decodes the line into {@code row}; false when the line must go the Jackson way. */
  boolean decode(byte[] line, int offset, int length, EventRow row) {
    buf = line;
    pos = offset;
    end = offset + length;
    row.clear();
    int stamp = nextGeneration();
    int unknown = 0;
    skipWhitespace();
    if (pos >= end || buf[pos] != '{') {
      return false;
    }
    pos++;
    skipWhitespace();
    if (pos < end && buf[pos] == '}') {
      pos++;
    } else {
      int fields = 0;
      while (true) {
        if (++fields > maxFields || pos >= end || buf[pos] != '"') {
          return false;
        }
        int keyStart = ++pos;
        int keyEnd = plainStringEnd();
        if (keyEnd < 0) {
          return false;
        }
        pos = keyEnd + 1;
        skipWhitespace();
        if (pos >= end || buf[pos] != ':') {
          return false;
        }
        pos++;
        skipWhitespace();
        int index = find(keyStart, keyEnd - keyStart);
        if (index < 0) {
          if (unknown == MAX_UNKNOWN_KEYS || isRepeatedUnknown(keyStart, keyEnd - keyStart, unknown)) {
            return false;
          }
          unknownStarts[unknown] = keyStart;
          unknownLengths[unknown++] = keyEnd - keyStart;
          if (!skipScalar()) {
            return false;
          }
        } else {
          if (seen[index] == stamp) {
            return false;
          }
          seen[index] = stamp;
          if (!value(columns[index], row)) {
            return false;
          }
        }
        skipWhitespace();
        if (pos >= end) {
          return false;
        }
        byte b = buf[pos++];
        if (b == '}') {
          break;
        }
        if (b != ',') {
          return false;
        }
        skipWhitespace();
      }
    }
    skipWhitespace();
    if (pos != end) {
      return false;
    }
    for (Column column : columns) {
      if (column.required() && seen[column.position()] != stamp) {
        return false;
      }
    }
    return true;
  }

  private boolean value(Column column, EventRow row) {
    if (pos >= end) {
      return false;
    }
    byte first = buf[pos];
    if (first == 'n') {
      // null: leave the column null, unless it is required
      return !column.required() && literal("null");
    }
    int position = column.position();
    switch (column.kind()) {
      case STRING:
        return first == '"' && string(position, row) && (allowed[position] == null || isAllowed(position, row));
      case JSON:
        if (first == '"') {
          return string(position, row);
        }
        return (first == '{' || first == '[') && compactNested(position, row);
      case LONG:
        return integer(position, row, Long.MIN_VALUE, Long.MAX_VALUE);
      case INT:
        return integer(position, row, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case BOOLEAN:
        if (first == 't' && literal("true")) {
          row.setLong(position, 1);
          return true;
        }
        if (first == 'f' && literal("false")) {
          row.setLong(position, 0);
          return true;
        }
        return false;
      case TIMESTAMPTZ:
      case TIMESTAMP:
        if (!integer(position, row, Long.MIN_VALUE, Long.MAX_VALUE)) {
          return false;
        }
        long millis = row.longValue(position);
        if (millis < minMillis[position] || millis >= maxMillis[position]) {
          return false;
        }
        row.setLong(position, millis * 1000L);
        return true;
      default:
        return false; // floats, doubles, dates: the Jackson way
    }
  }

  private boolean isAllowed(int position, EventRow row) {
    byte[] value = row.bytes(position);
    int from = row.offset(position);
    int to = from + row.length(position);
    for (byte[] candidate : allowed[position]) {
      if (Arrays.equals(candidate, 0, candidate.length, value, from, to)) {
        return true;
      }
    }
    return false;
  }

  /** The least epoch milli at or after {@code instant}. */
  private static long ceilMillis(java.time.Instant instant) {
    long floor = instant.getEpochSecond() * 1000 + instant.getNano() / 1_000_000;
    return instant.getNano() % 1_000_000 == 0 ? floor : floor + 1;
  }

  /** A JSON string value: its bytes in place when it has no escapes, else unescaped. */
  private boolean string(int position, EventRow row) {
    int start = ++pos;
    int i = ByteScan.stringSpecial(buf, start, end);
    if (i < end && buf[i] == '"') {
      row.setBytes(position, buf, start, i - start);
      pos = i + 1;
      return true;
    }
    return i < end && buf[i] == '\\' && unescape(position, row, start, i);
  }

  /** Copies the string from {@code start} to its closing quote, resolving escapes on the way. */
  private boolean unescape(int position, EventRow row, int start, int firstEscape) {
    // An escape never decodes to more bytes than it takes, so the rest of the line is enough.
    byte[] out = row.reserveScratch(end - start);
    int outStart = row.scratchLength();
    int o = outStart;
    int plain = firstEscape - start;
    System.arraycopy(buf, start, out, o, plain);
    o += plain;
    int i = firstEscape;
    while (true) {
      // Here buf[i] is a quote, a backslash or a control character, or i is the end.
      if (i >= end) {
        return false;
      }
      byte b = buf[i];
      if (b == '"') {
        break;
      }
      if (b != '\\' || i + 1 >= end) {
        return false; // a raw control character, or a backslash ending the line
      }
      byte e = buf[i + 1];
      i += 2;
      switch (e) {
        case '"' -> out[o++] = '"';
        case '\\' -> out[o++] = '\\';
        case '/' -> out[o++] = '/';
        case 'b' -> out[o++] = '\b';
        case 'f' -> out[o++] = '\f';
        case 'n' -> out[o++] = '\n';
        case 'r' -> out[o++] = '\r';
        case 't' -> out[o++] = '\t';
        case 'u' -> {
          int c = hex4(i);
          if (c < 0) {
            return false;
          }
          i += 4;
          if (c >= 0xD800 && c <= 0xDFFF) {
            // A high surrogate followed by an escaped low one is one code point; a lone
            // surrogate is left to Jackson.
            if (c > 0xDBFF || i + 6 > end || buf[i] != '\\' || buf[i + 1] != 'u') {
              return false;
            }
            int low = hex4(i + 2);
            if (low < 0xDC00 || low > 0xDFFF) {
              return false;
            }
            i += 6;
            int cp = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
            out[o++] = (byte) (0xF0 | (cp >> 18));
            out[o++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (byte) (0x80 | (cp & 0x3F));
          } else if (c < 0x80) {
            out[o++] = (byte) c;
          } else if (c < 0x800) {
            out[o++] = (byte) (0xC0 | (c >> 6));
            out[o++] = (byte) (0x80 | (c & 0x3F));
          } else {
            out[o++] = (byte) (0xE0 | (c >> 12));
            out[o++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            out[o++] = (byte) (0x80 | (c & 0x3F));
          }
        }
        default -> {
          return false;
        }
      }
      int run = ByteScan.stringSpecial(buf, i, end);
      System.arraycopy(buf, i, out, o, run - i);
      o += run - i;
      i = run;
    }
    row.setBytes(position, out, outStart, o - outStart);
    row.commitScratch(o - outStart);
    pos = i + 1;
    return true;
  }

  /**
   * The closing quote of a string with escapes, from its first backslash; -1 when the string is
   * unterminated or holds a raw control character.
   */
  private int escapedStringEnd(int from) {
    int i = from;
    while (i < end) {
      byte b = buf[i];
      if (b == '"') {
        return i;
      }
      if (b == '\\') {
        i += 2;
        continue;
      }
      if (b >= 0 && b < 0x20) {
        return -1;
      }
      i++;
    }
    return -1;
  }

  private int hex4(int at) {
    if (at + 4 > end) {
      return -1;
    }
    int value = 0;
    for (int i = at; i < at + 4; i++) {
      int digit = Character.digit(buf[i], 16);
      if (digit < 0) {
        return -1;
      }
      value = (value << 4) | digit;
    }
    return value;
  }

  /** From after an opening quote: the closing quote of a string without escapes, or -1. */
  private int plainStringEnd() {
    int i = ByteScan.stringSpecial(buf, pos, end);
    return i < end && buf[i] == '"' ? i : -1;
  }

  /**
   * An integer in JSON's grammar with at most 18 digits, so that it cannot overflow; a fraction or
   * exponent, or a value outside {@code [min, max]}, goes the Jackson way.
   */
  private boolean integer(int position, EventRow row, long min, long max) {
    int i = pos;
    boolean negative = i < end && buf[i] == '-';
    if (negative) {
      i++;
    }
    int digitsStart = i;
    long value = 0;
    while (i < end) {
      int d = buf[i] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      value = value * 10 + d;
      i++;
    }
    int digits = i - digitsStart;
    if (digits == 0 || digits > 18 || (digits > 1 && buf[digitsStart] == '0')) {
      return false;
    }
    if (i < end && !isDelimiter(buf[i])) {
      return false; // a fraction, an exponent, or not a number at all
    }
    if (negative) {
      value = -value;
    }
    if (value < min || value > max) {
      return false;
    }
    row.setLong(position, value);
    pos = i;
    return true;
  }

  private static boolean isDelimiter(byte b) {
    return b == ',' || b == '}' || b == ']' || b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  private boolean literal(String word) {
    int length = word.length();
    if (pos + length > end) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (buf[pos + i] != word.charAt(i)) {
        return false;
      }
    }
    if (pos + length < end && !isDelimiter(buf[pos + length])) {
      return false;
    }
    pos += length;
    return true;
  }

  /** Skips an unknown key's value: a string, number or literal; nested values go the Jackson way. */
  private boolean skipScalar() {
    if (pos >= end) {
      return false;
    }
    byte b = buf[pos];
    if (b == '"') {
      int close = escapedStringEnd(pos + 1);
      if (close < 0 || !validEscapes(pos + 1, close)) {
        return false;
      }
      pos = close + 1;
      return true;
    }
    if (b == 't') {
      return literal("true");
    }
    if (b == 'f') {
      return literal("false");
    }
    if (b == 'n') {
      return literal("null");
    }
    int numberEnd = numberEnd(pos);
    if (numberEnd < 0) {
      return false;
    }
    pos = numberEnd;
    return true;
  }

  private boolean validEscapes(int from, int close) {
    for (int i = from; i < close; i++) {
      if (buf[i] == '\\') {
        byte e = buf[++i];
        if (e == 'u') {
          int c = hex4(i + 1);
          if (c < 0 || (c >= 0xD800 && c <= 0xDFFF)) {
            return false;
          }
          i += 4;
        } else if ("\"\\/bfnrt".indexOf(e) < 0) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * A number in JSON's grammar starting at {@code from}: its end, followed by a delimiter or the
   * end of the line; -1 when it is not one.
   */
  private int numberEnd(int from) {
    int i = from;
    if (i < end && buf[i] == '-') {
      i++;
    }
    int intStart = i;
    while (i < end && buf[i] >= '0' && buf[i] <= '9') {
      i++;
    }
    if (i == intStart || (i - intStart > 1 && buf[intStart] == '0')) {
      return -1;
    }
    if (i < end && buf[i] == '.') {
      int fraction = ++i;
      while (i < end && buf[i] >= '0' && buf[i] <= '9') {
        i++;
      }
      if (i == fraction) {
        return -1;
      }
    }
    if (i < end && (buf[i] == 'e' || buf[i] == 'E')) {
      i++;
      if (i < end && (buf[i] == '+' || buf[i] == '-')) {
        i++;
      }
      int exponent = i;
      while (i < end && buf[i] >= '0' && buf[i] <= '9') {
        i++;
      }
      if (i == exponent) {
        return -1;
      }
    }
    if (i - from > MAX_NUMBER_CHARS || (i < end && !isDelimiter(buf[i]))) {
      return -1;
    }
    return i;
  }

  /**
   * A JSON object or array for a JSON column, kept as its own bytes. That equals Jackson's compact
   * copy only when the value has no whitespace between tokens and no escapes in its strings, so
   * any of those goes the Jackson way; so does one over the depth or field limits.
   */
  private boolean compactNested(int position, EventRow row) {
    int start = pos;
    int i = pos;
    int level = 0;
    int[] fields = nestedFields;
    boolean[] isObject = nestedIsObject;
    // What may come next: a value, or (in an object) a key.
    boolean expectValue = true;
    while (i < end) {
      byte b = buf[i];
      if (expectValue) {
        if (b == '{' || b == '[') {
          level++;
          if (1 + level > maxDepth || level >= fields.length) {
            return false;
          }
          fields[level] = 0;
          isObject[level] = b == '{';
          i++;
          if (i < end && (buf[i] == '}' || buf[i] == ']')) {
            if ((buf[i] == '}') != isObject[level]) {
              return false;
            }
            level--;
            i++;
            expectValue = false;
          } else if (isObject[level]) {
            i = key(i, fields, level);
            if (i < 0) {
              return false;
            }
          }
          if (level == 0) {
            break;
          }
          continue;
        }
        if (b == '"') {
          int close = plainStringEndFrom(i + 1);
          if (close < 0) {
            return false;
          }
          i = close + 1;
        } else if (b == 't' || b == 'f' || b == 'n') {
          String word = b == 't' ? "true" : b == 'f' ? "false" : "null";
          if (!matches(i, word)) {
            return false;
          }
          i += word.length();
        } else {
          int numberEnd = numberEnd(i);
          if (numberEnd < 0) {
            return false;
          }
          i = numberEnd;
        }
        expectValue = false;
        continue;
      }
      // After a value: a comma or the end of the enclosing container.
      if (b == ',') {
        i++;
        if (isObject[level]) {
          i = key(i, fields, level);
          if (i < 0) {
            return false;
          }
        }
        expectValue = true;
      } else if (b == '}' || b == ']') {
        if ((b == '}') != isObject[level]) {
          return false;
        }
        level--;
        i++;
        if (level == 0) {
          break;
        }
      } else {
        return false;
      }
    }
    if (level != 0) {
      return false;
    }
    row.setBytes(position, buf, start, i - start);
    pos = i;
    return true;
  }

  /** At a key inside a nested object: {@code "key":}; returns where its value starts, or -1. */
  private int key(int i, int[] fields, int level) {
    if (++fields[level] > maxFields || i >= end || buf[i] != '"') {
      return -1;
    }
    int close = plainStringEndFrom(i + 1);
    if (close < 0 || close + 1 >= end || buf[close + 1] != ':') {
      return -1;
    }
    return close + 2;
  }

  private int plainStringEndFrom(int from) {
    int saved = pos;
    pos = from;
    int close = plainStringEnd();
    pos = saved;
    return close;
  }

  private boolean matches(int at, String word) {
    if (at + word.length() > end) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (buf[at + i] != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private int find(int start, int length) {
    for (int i = 0; i < names.length; i++) {
      byte[] name = names[i];
      if (name.length == length && Arrays.equals(name, 0, length, buf, start, start + length)) {
        return i;
      }
    }
    return -1;
  }

  private boolean isRepeatedUnknown(int start, int length, int count) {
    for (int i = 0; i < count; i++) {
      if (unknownLengths[i] == length
          && Arrays.equals(buf, unknownStarts[i], unknownStarts[i] + length, buf, start, start + length)) {
        return true;
      }
    }
    return false;
  }

  private void skipWhitespace() {
    while (pos < end) {
      byte b = buf[pos];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return;
      }
      pos++;
    }
  }

  private int nextGeneration() {
    if (++generation == 0) {
      Arrays.fill(seen, 0);
      generation = 1;
    }
    return generation;
  }
}
