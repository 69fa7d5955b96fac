package dev.floe.core.schema;

import dev.floe.core.decode.TimestampFormat;
import dev.floe.core.decode.TimestampUnit;
import dev.floe.core.decode.TimestampWindow;
import dev.floe.core.decode.ValueRules;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.iceberg.Schema;

/**
 * A stream as Cloudflare Pipelines defines it, read by {@link StreamDefinitions}: the Iceberg
 * schema of its table, and what the Iceberg types cannot say about reading the JSON.
 *
 * @param name the stream's name, when the definition has one
 * @param schema the table's columns; for an unstructured stream one optional json column {@code
 *     value}
 * @param allowedValues string field (Iceberg column name) to the only values it may hold
 * @param timestampFormat how timestamps are given ({@link TimestampFormat#ANY} unless the
 *     definition's {@code format.timestamp_format} says)
 * @param units timestamp field (Iceberg column name) to the unit of numbers given for it
 * @param unstructured each event is kept whole as JSON text in {@code value}
 * @param warnings what was ignored (unknown keys), each naming its JSON path
 */
public record StreamDefinition(
    Optional<String> name,
    Schema schema,
    Map<String, List<String>> allowedValues,
    TimestampFormat timestampFormat,
    Map<String, TimestampUnit> units,
    boolean unstructured,
    List<String> warnings) {
  public StreamDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(timestampFormat, "timestampFormat");
    allowedValues = Map.copyOf(allowedValues);
    units = Map.copyOf(units);
    warnings = List.copyOf(warnings);
  }

  /** The decoder's rules for this stream, with the configured timestamp window. */
  public ValueRules rules(TimestampWindow window) {
    return new ValueRules(window, allowedValues, timestampFormat, units, unstructured);
  }
}
