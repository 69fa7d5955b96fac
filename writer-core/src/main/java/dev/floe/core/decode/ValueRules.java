package dev.floe.core.decode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Plausibility rules on top of the schema's types: the window every timestamp column must fall in,
 * and for some string columns the only values allowed (the built-in event schema's {@code op}).
 *
 * @param timestamps the window of every timestamp column; relative bounds must have been resolved
 *     with {@link TimestampWindow#at} before a decoder is built
 * @param allowedValues column name to the only values it may hold, in the order reasons list them
 */
public record ValueRules(TimestampWindow timestamps, Map<String, List<String>> allowedValues) {
  public ValueRules {
    Objects.requireNonNull(timestamps, "timestamps");
    Map<String, List<String>> copy = new LinkedHashMap<>();
    allowedValues.forEach((column, values) -> copy.put(column, List.copyOf(values)));
    allowedValues = java.util.Collections.unmodifiableMap(copy);
  }

  /** Types only: any representable timestamp, any string. */
  public static ValueRules none() {
    return new ValueRules(TimestampWindow.unbounded(), Map.of());
  }

  /** These rules for a run starting at {@code now}. */
  public ValueRules at(java.time.Instant now) {
    return new ValueRules(timestamps.at(now), allowedValues);
  }

  public ValueRules withTimestamps(TimestampWindow window) {
    return new ValueRules(window, allowedValues);
  }

  public ValueRules withAllowedValues(Map<String, List<String>> allowed) {
    return new ValueRules(timestamps, allowed);
  }
}
