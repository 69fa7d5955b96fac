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
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.TlsTrustManagersProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The S3 clients of {@code S3FileIO} (and of {@link S3Clients}) when floe needs more of them than
 * Iceberg's properties can say: configured step by step as Iceberg's default factory configures
 * them (region, endpoint, path style, credentials, signer, user agent, retries), plus
 *
 * <ul>
 *   <li>the checksum modes of {@code s3.request-checksum-calculation} and {@code
 *       s3.response-checksum-validation} (the {@code r2} profile sets both to {@code
 *       when-required}), on this client only: iceberg-aws 1.12 has no property for them, and the
 *       SDK's own {@code aws.*} system properties would change every S3 client in the JVM;
 *   <li>with {@value TransportConfig#CA_BUNDLE}, an SDK HTTP client that trusts the bundle's CAs
 *       besides the JVM's. Iceberg's SDK HTTP client settings offer no trust managers, so this
 *       factory builds that client itself from the same {@code http-client.*} properties (both
 *       types, {@code apache} and {@code urlconnection}); {@link #HTTP_CLIENT_KEYS} lists those it
 *       reads. The SDK keeps verifying host names.
 * </ul>
 *
 * <p>Iceberg instantiates it by name from {@code s3.client-factory-impl} and hands it only the
 * property map; {@link IcebergCatalogProperties} sets that, and the settings under {@code floe.*}
 * keys Iceberg ignores, for the table's FileIO and for {@link S3Clients}.
 */
public final class FloeS3ClientFactory implements S3FileIOAwsClientFactory {
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
  private HttpClientProperties httpClientProperties;
  private String caBundle;
  private RequestChecksumCalculation requestChecksum;
  private ResponseChecksumValidation responseChecksum;

  @Override
  public void initialize(Map<String, String> props) {
    properties = Map.copyOf(props);
    caBundle = props.get(IcebergCatalogProperties.CA_BUNDLE_PROPERTY);
    requestChecksum =
        checksumMode(IcebergCatalogProperties.REQUEST_CHECKSUM_PROPERTY)
            .map(RequestChecksumCalculation::fromValue)
            .orElse(null);
    responseChecksum =
        checksumMode(IcebergCatalogProperties.RESPONSE_CHECKSUM_PROPERTY)
            .map(ResponseChecksumValidation::fromValue)
            .orElse(null);
    s3FileIOProperties = new S3FileIOProperties(props);
    awsClientProperties = new AwsClientProperties(props);
    httpClientProperties = new HttpClientProperties(props);
  }

  @Override
  public S3Client s3() {
    S3ClientBuilder builder =
        S3Client.builder()
            .applyMutation(awsClientProperties::applyClientRegionConfiguration)
            .applyMutation(awsClientProperties::applyLegacyMd5Plugin);
    if (caBundle != null) {
      builder.httpClientBuilder(httpClientBuilder());
    } else {
      builder.applyMutation(httpClientProperties::applyHttpClientConfigurations);
    }
    if (requestChecksum != null) {
      builder.requestChecksumCalculation(requestChecksum);
    }
    if (responseChecksum != null) {
      builder.responseChecksumValidation(responseChecksum);
    }
    return builder
        .applyMutation(s3FileIOProperties::applyEndpointConfigurations)
        .applyMutation(s3FileIOProperties::applyServiceConfigurations)
        .applyMutation(
            credentials ->
                s3FileIOProperties.applyCredentialConfigurations(awsClientProperties, credentials))
        .applyMutation(s3FileIOProperties::applySignerConfiguration)
        .applyMutation(s3FileIOProperties::applyS3AccessGrantsConfigurations)
        .applyMutation(s3FileIOProperties::applyUserAgentConfigurations)
        .applyMutation(s3FileIOProperties::applyRetryConfigurations)
        .build();
  }

  /**
   * Not offered: S3FileIO asks for an asynchronous client only for options floe does not use (the
   * analytics accelerator, S3 CRT), and each would need its own trust and checksum plumbing.
   */
  @Override
  public S3AsyncClient s3Async() {
    String setting =
        caBundle != null
            ? TransportConfig.CA_BUNDLE
            : S3Config.REQUEST_CHECKSUM_CALCULATION
                + " or "
                + S3Config.RESPONSE_CHECKSUM_VALIDATION
                + " (the r2 profile sets both)";
    throw new UnsupportedOperationException(
        "Cannot build an asynchronous S3 client with "
            + setting
            + ": only the synchronous client honours it; turn off the S3FileIO option that"
            + " asks for an asynchronous one (s3.analytics-accelerator.enabled, s3.crt.enabled)");
  }

  /**
   * The SDK HTTP client Iceberg's {@code http-client.*} properties describe, trusting the CA
   * bundle's CAs besides the JVM's when there is one.
   */
  SdkHttpClient.Builder<?> httpClientBuilder() {
    TlsTrustManagersProvider trust =
        caBundle == null
            ? null
            : () -> new TrustManager[] {CaBundle.load(Path.of(caBundle)).trustManager()};
    String type =
        PropertyUtil.propertyAsString(
            properties, HttpClientProperties.CLIENT_TYPE, HttpClientProperties.CLIENT_TYPE_DEFAULT);
    switch (type.toLowerCase(Locale.ROOT)) {
      case HttpClientProperties.CLIENT_TYPE_APACHE:
        Apache5HttpClient.Builder apache =
            Apache5HttpClient.builder();
        if (trust != null) {
          apache.tlsTrustManagersProvider(trust);
        }
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
            UrlConnectionHttpClient.builder();
        if (trust != null) {
          urlConnection.tlsTrustManagersProvider(trust);
        }
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

  private Optional<String> checksumMode(String key) {
    return Optional.ofNullable(properties.get(key));
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
