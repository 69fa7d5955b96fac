package dev.floe.core.config;

/**
 * A setting, option or argument that floe cannot work with: retrying the same command fails the
 * same way until the configuration changes (the CLI's exit code 2). Thrown only by config parsing
 * and validation, so that an {@link IllegalArgumentException} from anywhere else (Iceberg's
 * argument checks on data, a bug) is not mistaken for the user's mistake.
 *
 * <p>An {@code IllegalArgumentException}, so that library callers who catch that keep working.
 */
public class InvalidConfigException extends IllegalArgumentException {
  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
