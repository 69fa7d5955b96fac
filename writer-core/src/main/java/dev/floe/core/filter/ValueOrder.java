package dev.floe.core.filter;

/** Compares an event's value with a constant fixed when the filter was compiled. */
@FunctionalInterface
interface ValueOrder {
  /** Negative, zero or positive as the non-null value sorts before, equal to, or after it. */
  int compareTo(Object value);
}
