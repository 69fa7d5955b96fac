package dev.floe.core.table;

import dev.floe.core.config.InvalidConfigException;

/** The target table exists but floe cannot write it as configured: a configuration problem, not a transient one. */
public class IncompatibleTableException extends InvalidConfigException {
  public IncompatibleTableException(String message) {
    super(message);
  }
}
