package dev.floe.catalog;

import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Settings;
import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Credentials and data must not cross a network in the clear: an {@code http://} endpoint (catalog,
 * OAuth2 token server, S3) is refused unless it is on this machine's loopback, or the operator
 * allows plaintext explicitly with {@value TransportConfig#ALLOW_PLAINTEXT} (e.g. a private Docker
 * network).
 * Host names are judged by their spelling, not resolved, so the check needs no network.
 */
final class PlaintextPolicy {
  private PlaintextPolicy() {}

  static void check(CatalogConfig config, Settings settings) {
    if (config.transport().allowPlaintext()) {
      return;
    }
    check(config.uri(), CatalogConfig.URI, settings);
    if (config.auth() instanceof CatalogAuth.ClientCredentials credentials) {
      check(credentials.serverUri(), CatalogConfig.OAUTH2_SERVER_URI, settings);
    }
    check(config.s3().endpoint(), S3Config.ENDPOINT, settings);
  }

  private static void check(Optional<URI> uri, String key, Settings settings) {
    if (uri.isPresent() && "http".equalsIgnoreCase(uri.get().getScheme()) && !isLoopback(uri.get().getHost())) {
      throw new InvalidConfigException(
          "Invalid config: "
              + key
              + " ("
              + settings.origin(key)
              + ") uses plaintext http to "
              + uri.get().getHost()
              + ", which is not this machine; use https, or set "
              + TransportConfig.ALLOW_PLAINTEXT
              + "=true ("
              + Settings.environmentName(TransportConfig.ALLOW_PLAINTEXT)
              + ") if the network is private");
    }
  }

  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (bare.equalsIgnoreCase("localhost") || bare.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
      return true;
    }
    boolean literal = bare.matches("[0-9.]+") || bare.contains(":");
    try {
      return literal && InetAddress.getByName(bare).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
