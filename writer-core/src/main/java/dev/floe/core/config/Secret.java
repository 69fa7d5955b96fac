package dev.floe.core.config;

import java.util.Objects;

/**
 * A credential (S3 secret key, catalog token, OAuth2 client secret). Its {@link #toString()} never
 * shows the value, so it is safe in logs, errors and config dumps; only {@link #reveal()} does, and
 * only the one place that hands it to a client library should call it.
 */
public final class Secret {
  private static final String REDACTED = "****";
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new InvalidConfigException("Invalid secret: empty");
    }
    return new Secret(value);
  }

  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret && secret.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return REDACTED;
  }
}
