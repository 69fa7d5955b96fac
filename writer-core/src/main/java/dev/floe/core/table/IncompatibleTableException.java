package dev.floe.core.table;

/** The target table exists but floe cannot write it as configured: a configuration problem, not a transient one. */
public class IncompatibleTableException extends IllegalArgumentException {
  public IncompatibleTableException(String message) {
    super(message);
  }
}
