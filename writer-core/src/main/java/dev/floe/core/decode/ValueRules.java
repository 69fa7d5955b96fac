package dev.floe.core.decode;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a stream definition says about reading values beyond the Iceberg types: the window every
 * timestamp must fall in, the only values some string fields may hold (the built-in event schema's
 * {@code op}), how timestamps are given, and whether the stream is unstructured.
 *
 * <p>Fields are named as Iceberg names columns ({@code meta.tags.element.ts} for a field of the
 * elements of list {@code meta.tags}); a rule naming a field the schema does not have, or one of
 * another type, does not apply, since floe follows an existing table's schema.
 *
 * @param timestamps the window of every timestamp field; relative bounds must have been resolved
 *     with {@link TimestampWindow#at} before a decoder is built
 * @param allowedValues field to the only values it may hold, in the order reasons list them
 * @param timestampFormat how timestamps are given: numbers, RFC 3339 strings, or either
 * @param units field to the unit of its numeric timestamps; milliseconds when absent
 * @param unstructured each event is stored whole, as JSON text, in the one column {@code value}
 */
public record ValueRules(
    TimestampWindow timestamps,
    Map<String, List<String>> allowedValues,
    TimestampFormat timestampFormat,
    Map<String, TimestampUnit> units,
    boolean unstructured) {
  public ValueRules {
    Objects.requireNonNull(timestamps, "timestamps");
    Objects.requireNonNull(timestampFormat, "timestampFormat");
    Map<String, List<String>> copy = new LinkedHashMap<>();
    allowedValues.forEach((column, values) -> copy.put(column, List.copyOf(values)));
    allowedValues = Collections.unmodifiableMap(copy);
    units = Map.copyOf(units);
  }

  public ValueRules(TimestampWindow timestamps, Map<String, List<String>> allowedValues) {
    this(timestamps, allowedValues, TimestampFormat.ANY, Map.of(), false);
  }

  /** Types only: any representable timestamp, any string. */
  public static ValueRules none() {
    return new ValueRules(TimestampWindow.unbounded(), Map.of());
  }

  /** These rules for a run starting at {@code now}. */
  public ValueRules at(Instant now) {
    return withTimestamps(timestamps.at(now));
  }

  public ValueRules withTimestamps(TimestampWindow window) {
    return new ValueRules(window, allowedValues, timestampFormat, units, unstructured);
  }

  public ValueRules withAllowedValues(Map<String, List<String>> allowed) {
    return new ValueRules(timestamps, allowed, timestampFormat, units, unstructured);
  }
}
