package dev.floe.catalog;

import dev.floe.core.config.InvalidConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.TrustManager;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.HttpClientProperties;
import org.apache.iceberg.aws.s3.S3FileIOAwsClientFactory;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.util.PropertyUtil;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.TlsTrustManagersProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 clients of {@code S3FileIO} when {@value TransportConfig#CA_BUNDLE} is set: configured
 * step by step as Iceberg's default factory configures them (region, endpoint, path style,
 * credentials, signer, user agent, retries), except that the SDK HTTP client trusts the bundle's
 * CAs besides the JVM's. Iceberg's SDK HTTP client settings offer no trust managers, so this
 * factory builds that client itself from the same {@code http-client.*} properties (both types,
 * {@code apache} and {@code urlconnection}); {@link #HTTP_CLIENT_KEYS} lists those it reads.
 *
 * <p>Iceberg instantiates it by name from {@code s3.client-factory-impl}; {@link
 * IcebergCatalogProperties} sets that, and the bundle's path under {@value
 * IcebergCatalogProperties#CA_BUNDLE_PROPERTY}, for the table's FileIO and for {@link S3Clients}.
 * The SDK keeps verifying host names.
 */
public final class CaBundleS3ClientFactory implements S3FileIOAwsClientFactory {
  private static final long serialVersionUID = 1L;

  /** Every {@code http-client.*} property of Iceberg's that the HTTP client built here honours. */
  static final Set<String> HTTP_CLIENT_KEYS =
      Set.of(
          HttpClientProperties.CLIENT_TYPE,
          HttpClientProperties.PROXY_ENDPOINT,
          HttpClientProperties.PROXY_USE_SYSTEM_PROPERTY_VALUES,
          HttpClientProperties.PROXY_USE_ENVIRONMENT_VARIABLE_VALUES,
          HttpClientProperties.URLCONNECTION_CONNECTION_TIMEOUT_MS,
          HttpClientProperties.URLCONNECTION_SOCKET_TIMEOUT_MS,
          HttpClientProperties.APACHE_CONNECTION_TIMEOUT_MS,
          HttpClientProperties.APACHE_SOCKET_TIMEOUT_MS,
          HttpClientProperties.APACHE_CONNECTION_ACQUISITION_TIMEOUT_MS,
          HttpClientProperties.APACHE_CONNECTION_MAX_IDLE_TIME_MS,
          HttpClientProperties.APACHE_CONNECTION_TIME_TO_LIVE_MS,
          HttpClientProperties.APACHE_EXPECT_CONTINUE_ENABLED,
          HttpClientProperties.APACHE_MAX_CONNECTIONS,
          HttpClientProperties.APACHE_TCP_KEEP_ALIVE_ENABLED,
          HttpClientProperties.APACHE_USE_IDLE_CONNECTION_REAPER_ENABLED);

  private Map<String, String> properties;
  private S3FileIOProperties s3FileIOProperties;
  private AwsClientProperties awsClientProperties;
  private String caBundle;

  @Override
  public void initialize(Map<String, String> props) {
    caBundle = props.get(IcebergCatalogProperties.CA_BUNDLE_PROPERTY);
    if (caBundle == null) {
      throw new InvalidConfigException(
          "Cannot build S3 clients with a CA bundle: property "
              + IcebergCatalogProperties.CA_BUNDLE_PROPERTY
              + " is not set");
    }
    properties = Map.copyOf(props);
    s3FileIOProperties = new S3FileIOProperties(props);
    awsClientProperties = new AwsClientProperties(props);
  }

  @Override
  public S3Client s3() {
    return S3Client.builder()
        .applyMutation(awsClientProperties::applyClientRegionConfiguration)
        .applyMutation(awsClientProperties::applyLegacyMd5Plugin)
        .httpClientBuilder(httpClientBuilder())
        .applyMutation(s3FileIOProperties::applyEndpointConfigurations)
        .applyMutation(s3FileIOProperties::applyServiceConfigurations)
        .applyMutation(
            builder ->
                s3FileIOProperties.applyCredentialConfigurations(awsClientProperties, builder))
        .applyMutation(s3FileIOProperties::applySignerConfiguration)
        .applyMutation(s3FileIOProperties::applyS3AccessGrantsConfigurations)
        .applyMutation(s3FileIOProperties::applyUserAgentConfigurations)
        .applyMutation(s3FileIOProperties::applyRetryConfigurations)
        .build();
  }

  /**
   * Not offered: S3FileIO asks for an asynchronous client only for options floe does not use (the
   * analytics accelerator, S3 CRT), and each would need its own trust plumbing.
   */
  @Override
  public S3AsyncClient s3Async() {
    throw new UnsupportedOperationException(
        "Cannot build an asynchronous S3 client with "
            + TransportConfig.CA_BUNDLE
            + ": only the synchronous client trusts the bundle; turn off the S3FileIO option that"
            + " asks for an asynchronous one (s3.analytics-accelerator.enabled, s3.crt.enabled)");
  }

  /** The SDK HTTP client Iceberg's {@code http-client.*} properties describe, trusting the CAs. */
  SdkHttpClient.Builder<?> httpClientBuilder() {
    TlsTrustManagersProvider trust =
        () -> new TrustManager[] {CaBundle.load(Path.of(caBundle)).trustManager()};
    String type =
        PropertyUtil.propertyAsString(
            properties, HttpClientProperties.CLIENT_TYPE, HttpClientProperties.CLIENT_TYPE_DEFAULT);
    switch (type.toLowerCase(Locale.ROOT)) {
      case HttpClientProperties.CLIENT_TYPE_APACHE:
        Apache5HttpClient.Builder apache =
            Apache5HttpClient.builder().tlsTrustManagersProvider(trust);
        duration(HttpClientProperties.APACHE_CONNECTION_TIMEOUT_MS, apache::connectionTimeout);
        duration(HttpClientProperties.APACHE_SOCKET_TIMEOUT_MS, apache::socketTimeout);
        duration(
            HttpClientProperties.APACHE_CONNECTION_ACQUISITION_TIMEOUT_MS,
            apache::connectionAcquisitionTimeout);
        duration(
            HttpClientProperties.APACHE_CONNECTION_MAX_IDLE_TIME_MS, apache::connectionMaxIdleTime);
        duration(
            HttpClientProperties.APACHE_CONNECTION_TIME_TO_LIVE_MS, apache::connectionTimeToLive);
        flag(HttpClientProperties.APACHE_EXPECT_CONTINUE_ENABLED, apache::expectContinueEnabled);
        Integer maxConnections =
            PropertyUtil.propertyAsNullableInt(
                properties, HttpClientProperties.APACHE_MAX_CONNECTIONS);
        if (maxConnections != null) {
          apache.maxConnections(maxConnections);
        }
        flag(HttpClientProperties.APACHE_TCP_KEEP_ALIVE_ENABLED, apache::tcpKeepAlive);
        flag(
            HttpClientProperties.APACHE_USE_IDLE_CONNECTION_REAPER_ENABLED,
            apache::useIdleConnectionReaper);
        if (proxyConfigured()) {
          apache.proxyConfiguration(
              software.amazon.awssdk.http.apache5.ProxyConfiguration.builder()
                  .applyMutation(
                      proxy -> {
                        proxyEndpoint().ifPresent(proxy::endpoint);
                        flag(
                            HttpClientProperties.PROXY_USE_SYSTEM_PROPERTY_VALUES,
                            proxy::useSystemPropertyValues);
                        flag(
                            HttpClientProperties.PROXY_USE_ENVIRONMENT_VARIABLE_VALUES,
                            proxy::useEnvironmentVariableValues);
                      })
                  .build());
        }
        return apache;
      case HttpClientProperties.CLIENT_TYPE_URLCONNECTION:
        UrlConnectionHttpClient.Builder urlConnection =
            UrlConnectionHttpClient.builder().tlsTrustManagersProvider(trust);
        duration(
            HttpClientProperties.URLCONNECTION_CONNECTION_TIMEOUT_MS,
            urlConnection::connectionTimeout);
        duration(
            HttpClientProperties.URLCONNECTION_SOCKET_TIMEOUT_MS, urlConnection::socketTimeout);
        if (proxyConfigured()) {
          urlConnection.proxyConfiguration(
              software.amazon.awssdk.http.urlconnection.ProxyConfiguration.builder()
                  .applyMutation(
                      proxy -> {
                        proxyEndpoint().ifPresent(proxy::endpoint);
                        flag(
                            HttpClientProperties.PROXY_USE_SYSTEM_PROPERTY_VALUES,
                            proxy::useSystemPropertyValues);
                        flag(
                            HttpClientProperties.PROXY_USE_ENVIRONMENT_VARIABLE_VALUES,
                            proxy::useEnvironmentVariablesValues);
                      })
                  .build());
        }
        return urlConnection;
      default:
        throw new InvalidConfigException(
            "Invalid "
                + HttpClientProperties.CLIENT_TYPE
                + ": "
                + type
                + " (expected "
                + HttpClientProperties.CLIENT_TYPE_APACHE
                + " or "
                + HttpClientProperties.CLIENT_TYPE_URLCONNECTION
                + ")");
    }
  }

  private boolean proxyConfigured() {
    return properties.containsKey(HttpClientProperties.PROXY_ENDPOINT)
        || properties.containsKey(HttpClientProperties.PROXY_USE_SYSTEM_PROPERTY_VALUES)
        || properties.containsKey(HttpClientProperties.PROXY_USE_ENVIRONMENT_VARIABLE_VALUES);
  }

  private Optional<URI> proxyEndpoint() {
    return Optional.ofNullable(properties.get(HttpClientProperties.PROXY_ENDPOINT))
        .map(URI::create);
  }

  private void duration(String key, Consumer<Duration> setter) {
    Long millis = PropertyUtil.propertyAsNullableLong(properties, key);
    if (millis != null) {
      setter.accept(Duration.ofMillis(millis));
    }
  }

  private void flag(String key, Consumer<Boolean> setter) {
    Boolean value = PropertyUtil.propertyAsNullableBoolean(properties, key);
    if (value != null) {
      setter.accept(value);
    }
  }
}
