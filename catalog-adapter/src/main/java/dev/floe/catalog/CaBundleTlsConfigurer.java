package dev.floe.catalog;

import dev.floe.core.config.InvalidConfigException;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.iceberg.rest.auth.TLSConfigurer;

/**
 * Makes Iceberg's REST client (catalog requests and OAuth2 token requests alike) trust the CAs of
 * {@value TransportConfig#CA_BUNDLE} besides the JVM's. Iceberg instantiates it by name from {@code
 * rest.client.tls.configurer-impl} and passes the catalog properties, where {@link
 * IcebergCatalogProperties} put the bundle's path under {@value
 * IcebergCatalogProperties#CA_BUNDLE_PROPERTY}.
 *
 * <p>Host name verification stays Iceberg's default, the JDK's built-in check: {@link
 * #hostnameVerifier()} is not overridden.
 */
public final class CaBundleTlsConfigurer implements TLSConfigurer {
  private SSLContext sslContext;

  @Override
  public void initialize(Map<String, String> properties) {
    String path = properties.get(IcebergCatalogProperties.CA_BUNDLE_PROPERTY);
    if (path == null) {
      throw new InvalidConfigException(
          "Cannot configure TLS for the REST client: property "
              + IcebergCatalogProperties.CA_BUNDLE_PROPERTY
              + " is not set");
    }
    sslContext = CaBundle.load(Path.of(path)).sslContext();
  }

  @Override
  public SSLContext sslContext() {
    if (sslContext == null) {
      throw new IllegalStateException("Cannot give a TLS context before initialize()");
    }
    return sslContext;
  }
}
