package dev.floe.core.decode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decodes one event object into column values, validating it against the schema.
 *
 * <p>Keys that are not columns are skipped (within the limits), so producers can add fields before
 * the table gains the columns. Keys match column names exactly. A key that appears twice is
 * rejected rather than resolved, since either choice would silently drop data.
 *
 * <p>Not thread-safe: the value array and bookkeeping are reused for every event.
 */
final class ObjectDecoder {
  private final Columns columns;
  private final List<Column> all;
  private final int maxFields;
  private final ValueConverter converter;
  private final NestedJson nested;
  private final Object[] values;
  private final Set<String> unknownKeys = new HashSet<>();
  private final boolean unstructured;

  /** seen[position] == generation marks a column present in the current object; never cleared. */
  private final int[] seen;

  private int generation;

  ObjectDecoder(Columns columns, DecodeLimits limits, NestedJson nested) {
    this.columns = columns;
    this.all = columns.all();
    this.maxFields = limits.maxFields();
    this.nested = nested;
    this.converter = new ValueConverter(nested, limits);
    this.unstructured = columns.unstructured();
    this.values = new Object[columns.size()];
    this.seen = new int[columns.size()];
  }

  /**
   * Decodes the event whose first token is current, consuming it up to its end.
   *
   * @return the column values by position, valid until the next call
   * @throws InvalidEventException if the event does not fit the schema or the limits
   */
  Object[] decode(JsonParser parser, JsonToken first) throws IOException {
    if (unstructured) {
      // Pipelines' unstructured stream: any JSON value, kept whole as its compact text.
      if (first == null) {
        throw new InvalidEventException("must be a JSON value, got " + ValueConverter.jsonType(first));
      }
      values[0] = nested.copy(parser, first, 0, all.get(0).name());
      return values;
    }
    if (first != JsonToken.START_OBJECT) {
      throw new InvalidEventException(
          "must be a JSON object, got " + ValueConverter.jsonType(first));
    }
    int stamp = nextGeneration();
    if (!unknownKeys.isEmpty()) {
      unknownKeys.clear();
    }
    int fields = 0;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      if (++fields > maxFields) {
        throw new InvalidEventException("object has more than " + maxFields + " fields");
      }
      String name = parser.currentName();
      Column column = columns.find(name);
      JsonToken valueToken = parser.nextToken();
      if (column == null) {
        if (!unknownKeys.add(name)) {
          throw duplicate(name);
        }
        nested.skip(parser, valueToken, 1, name);
        continue;
      }
      if (seen[column.position()] == stamp) {
        throw duplicate(name);
      }
      seen[column.position()] = stamp;
      if (valueToken == JsonToken.VALUE_NULL) {
        if (column.required()) {
          throw new InvalidEventException("required " + column.label() + " is null");
        }
        values[column.position()] = null;
      } else {
        values[column.position()] = converter.convert(column, parser, valueToken, 1);
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw new InvalidEventException("invalid JSON: unexpected end of input in the object");
    }
    for (Column column : all) {
      if (seen[column.position()] != stamp) {
        if (column.required()) {
          throw new InvalidEventException("missing required " + column.label());
        }
        values[column.position()] = null;
      }
    }
    return values;
  }

  private int nextGeneration() {
    if (++generation == 0) {
      // Wrapped around after 2^32 events: old stamps could collide with new ones.
      Arrays.fill(seen, 0);
      generation = 1;
    }
    return generation;
  }

  private static InvalidEventException duplicate(String name) {
    return new InvalidEventException("duplicate field " + InvalidEventException.quote(name));
  }
}
