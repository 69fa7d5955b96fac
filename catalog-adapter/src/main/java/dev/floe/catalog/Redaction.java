package dev.floe.catalog;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Keeps credentials out of anything printable. floe's own secret keys are typed as {@code Secret};
 * this covers the string maps that cannot be: pass-through Iceberg properties and the final
 * property map handed to Iceberg, whose keys are only known by name.
 */
final class Redaction {
  private static final String REDACTED = "****";
  private static final String[] SECRET_WORDS = {
    "secret", "token", "password", "credential", "authorization"
  };

  private Redaction() {}

  /**
   * Whether an Iceberg property name looks like it holds a credential ({@code token}, {@code
   * credential}, {@code s3.secret-access-key}, {@code s3.sse.key}, {@code header.Authorization},
   * {@code rest.auth.basic.password}). Errs on the side of hiding: a hidden harmless value costs
   * less than a logged token.
   */
  static boolean looksSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    for (String word : SECRET_WORDS) {
      if (lower.contains(word)) {
        return true;
      }
    }
    return lower.endsWith(".key") || lower.endsWith("-key");
  }

  /** {@code {a=1, token=****}}. */
  static String toString(Map<String, String> map) {
    StringJoiner text = new StringJoiner(", ", "{", "}");
    map.forEach((key, value) -> text.add(key + "=" + (looksSecret(key) ? REDACTED : value)));
    return text.toString();
  }

  /** An unmodifiable view of {@code map} whose {@code toString} hides credential values. */
  static Map<String, String> redactingView(Map<String, String> map) {
    return new RedactingMap(Collections.unmodifiableMap(map));
  }

  private static final class RedactingMap extends AbstractMap<String, String> {
    private final Map<String, String> delegate;

    private RedactingMap(Map<String, String> delegate) {
      this.delegate = delegate;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      return delegate.entrySet();
    }

    @Override
    public String get(Object key) {
      return delegate.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return delegate.containsKey(key);
    }

    @Override
    public int size() {
      return delegate.size();
    }

    @Override
    public String toString() {
      return Redaction.toString(delegate);
    }
  }
}
