package dev.floe.catalog;

import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Settings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How floe's connections to the catalog, its OAuth2 server and S3 are secured. TLS certificates and
 * host names are always verified; there is no switch to turn that off.
 *
 * <ul>
 *   <li>{@value #ALLOW_PLAINTEXT}: allow {@code http://} endpoints that are not on loopback
 *       (default false), see {@link PlaintextPolicy}
 *   <li>{@value #CA_BUNDLE}: a PEM file of CA certificates trusted in addition to the JVM's, for
 *       every HTTPS connection floe makes (the REST catalog and its OAuth2 server, S3 for table
 *       files, the S3-prefix source, its lease and claims, S3 dead letters), see {@link CaBundle}
 * </ul>
 */
public record TransportConfig(boolean allowPlaintext, Optional<CaBundle> caBundle) {
  public static final String ALLOW_PLAINTEXT = "transport.allow-plaintext";
  public static final boolean DEFAULT_ALLOW_PLAINTEXT = false;
  public static final String CA_BUNDLE = "transport.ca-bundle";

  static final Set<String> KEYS = Set.of(ALLOW_PLAINTEXT, CA_BUNDLE);
  private static final String PREFIX = "transport.";

  public TransportConfig {
    Objects.requireNonNull(caBundle, "caBundle");
  }

  /** JDK defaults: plaintext only to loopback, the JVM's trusted CAs. */
  public static TransportConfig defaults() {
    return new TransportConfig(DEFAULT_ALLOW_PLAINTEXT, Optional.empty());
  }

  /**
   * Reads the transport keys; the CA bundle is loaded and parsed here, so a bad file fails the
   * configuration rather than the first connection.
   *
   * @throws IllegalArgumentException {@code Invalid transport.ca-bundle: <path>: <reason>}
   */
  public static TransportConfig from(Settings settings) {
    for (String key : settings.keys()) {
      // A misspelt ca-bundle would otherwise fall back to the JVM's CAs without a word.
      if (key.startsWith(PREFIX) && !KEYS.contains(key)) {
        throw new InvalidConfigException(
            "Invalid config: unknown key "
                + key
                + " ("
                + settings.origin(key)
                + "); transport keys are "
                + String.join(", ", new TreeSet<>(KEYS)));
      }
    }
    boolean allowPlaintext = settings.bool(ALLOW_PLAINTEXT, DEFAULT_ALLOW_PLAINTEXT);
    Optional<CaBundle> caBundle =
        settings.string(CA_BUNDLE).map(text -> CaBundle.load(bundlePath(settings, text)));
    return new TransportConfig(allowPlaintext, caBundle);
  }

  private static Path bundlePath(Settings settings, String text) {
    String path = text.trim();
    if (path.isEmpty()) {
      throw new InvalidConfigException(
          "Invalid " + CA_BUNDLE + " (" + settings.origin(CA_BUNDLE) + "): it is blank");
    }
    try {
      return Path.of(path);
    } catch (InvalidPathException e) {
      throw new InvalidConfigException(
          "Invalid " + CA_BUNDLE + ": " + path + ": not a file path (" + e.getReason() + ")", e);
    }
  }

  @Override
  public String toString() {
    return "TransportConfig{allowPlaintext="
        + allowPlaintext
        + caBundle.map(bundle -> ", caBundle=" + bundle).orElse("")
        + "}";
  }
}
