package dev.floe.core.decode;

/** How timestamps are given in the JSON (Pipelines' {@code format.timestamp_format}). */
public enum TimestampFormat {
  /** Either: a number in the field's unit, or an RFC 3339 string (floe's compact schemas). */
  ANY,
  /** Numbers only, in the field's unit (milliseconds unless it says otherwise). */
  UNIX_MILLIS,
  /** RFC 3339 strings only, with an offset. */
  RFC3339;

  boolean acceptsNumbers() {
    return this != RFC3339;
  }

  boolean acceptsStrings() {
    return this != UNIX_MILLIS;
  }
}
