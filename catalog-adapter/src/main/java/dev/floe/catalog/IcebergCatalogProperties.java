package dev.floe.catalog;

import dev.floe.core.config.InvalidConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.AwsProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.rest.RESTCatalogProperties;
import org.apache.iceberg.rest.auth.AuthProperties;
import org.apache.iceberg.rest.auth.OAuth2Properties;

/**
 * Turns a {@link CatalogConfig} into Iceberg's string properties. This is the one place that maps
 * floe's typed settings onto Iceberg's property names; {@link #of} shows the result that {@link
 * CatalogFactory} opens a catalog with, which holds credentials in clear and so must not be logged
 * (its {@code toString} hides them anyway).
 *
 * <p>The property map is built in three layers: defaults floe picks ({@code io-impl}, SQLite
 * tuning), then pass-through properties (which may override those defaults), then properties
 * derived from floe keys including profile presets (which a pass-through property may not override:
 * that is reported as a config error naming the floe key to use instead).
 */
public final class IcebergCatalogProperties {
  /**
   * How long a SQLite connection waits for another one's write lock before failing with
   * SQLITE_BUSY. Catalog writes take milliseconds, so this only matters when several floe processes
   * (or other JDBC clients) commit to one catalog.db at once.
   */
  static final int SQLITE_BUSY_TIMEOUT_MS = 30_000;

  static final String ACCESS_DELEGATION_HEADER = "header.X-Iceberg-Access-Delegation";
  static final String VENDED_CREDENTIALS = "vended-credentials";
  static final String JDBC_SCHEMA_VERSION = "jdbc.schema-version";
  static final String JDBC_BUSY_TIMEOUT = "jdbc.busy_timeout";

  /**
   * The CA bundle's path, for {@link CaBundleTlsConfigurer} and {@link FloeS3ClientFactory},
   * which Iceberg instantiates by name and hands only the property map. Iceberg ignores the key.
   */
  static final String CA_BUNDLE_PROPERTY = "floe.transport.ca-bundle";

  /**
   * The checksum modes of {@link S3Config#REQUEST_CHECKSUM_CALCULATION} and {@link
   * S3Config#RESPONSE_CHECKSUM_VALIDATION} as the SDK spells them ({@code when_required}), for
   * {@link FloeS3ClientFactory}. iceberg-aws 1.12 has no property for them ({@code
   * s3.checksum-enabled} is Iceberg's own MD5 check, a different thing), and the SDK's {@code
   * aws.*} system properties would set them for every S3 client in the JVM. Iceberg ignores the
   * keys.
   */
  static final String REQUEST_CHECKSUM_PROPERTY = "floe.s3.request-checksum-calculation";

  static final String RESPONSE_CHECKSUM_PROPERTY = "floe.s3.response-checksum-validation";

  /** Iceberg's REST client property for a {@code TLSConfigurer} (package-private in HTTPClient). */
  static final String REST_TLS_CONFIGURER = "rest.client.tls.configurer-impl";

  /** Iceberg's generic AWS client factory, which would bypass floe's S3 client factory. */
  static final String AWS_CLIENT_FACTORY = AwsProperties.CLIENT_FACTORY;

  private IcebergCatalogProperties() {}

  /**
   * The properties {@link CatalogFactory#create} passes to {@code Catalog.initialize}. They include
   * credentials in clear: hand them to Iceberg, never to a log.
   */
  public static Map<String, String> of(CatalogConfig config) {
    Derived derived = derive(config);
    Map<String, String> properties = new TreeMap<>(defaults(config));
    properties.putAll(passThrough(config, derived));
    properties.putAll(derived.values);
    return Redaction.redactingView(properties);
  }

  /** Fails as {@link #of} would, without building the map. */
  static void validate(CatalogConfig config) {
    String ownFactoryFor = null;
    if (config.transport().caBundle().isPresent()) {
      ownFactoryFor =
          TransportConfig.CA_BUNDLE + ": floe builds the S3 clients itself so that they trust the"
              + " bundle's CAs";
    } else if (config.type() == CatalogType.REST && hasChecksumModes(config.s3())) {
      ownFactoryFor =
          S3Config.REQUEST_CHECKSUM_CALCULATION
              + " or "
              + S3Config.RESPONSE_CHECKSUM_VALIDATION
              + " (the r2 profile sets both): floe builds the S3 clients itself to give each its"
              + " checksum settings";
    }
    if (ownFactoryFor != null) {
      for (String key : List.of(S3FileIOProperties.CLIENT_FACTORY, AWS_CLIENT_FACTORY)) {
        if (config.s3().properties().containsKey(key) || config.properties().containsKey(key)) {
          throw new InvalidConfigException(
              "Invalid config: Iceberg property "
                  + key
                  + " cannot be combined with "
                  + ownFactoryFor);
        }
      }
    }
    passThrough(config, derive(config));
  }

  private static boolean hasChecksumModes(S3Config s3) {
    return s3.requestChecksumCalculation().isPresent()
        || s3.responseChecksumValidation().isPresent();
  }

  private static Map<String, String> defaults(CatalogConfig config) {
    Map<String, String> defaults = new TreeMap<>();
    if (config.type() == CatalogType.LOCAL) {
      // HadoopFileIO, with failed writes as IOExceptions rather than Hadoop's FSError (see there).
      defaults.put(CatalogProperties.FILE_IO_IMPL, LocalFileIO.class.getName());
      // V1 adds the record-type column that view support needs; V0 clients still read V1 tables.
      defaults.put(JDBC_SCHEMA_VERSION, "V1");
      // jdbc.* properties reach the driver with the prefix removed; sqlite-jdbc reads busy_timeout.
      defaults.put(JDBC_BUSY_TIMEOUT, Integer.toString(SQLITE_BUSY_TIMEOUT_MS));
    } else {
      defaults.put(CatalogProperties.FILE_IO_IMPL, S3FileIO.class.getName());
      // Iceberg posts a metrics report to the catalog after each commit: one more request per
      // commit that floe does not need (and that a CLI closing the catalog right away cuts off).
      // catalog.property.rest-metrics-reporting-enabled=true turns it back on.
      defaults.put(RESTCatalogProperties.METRICS_REPORTING_ENABLED, "false");
    }
    return defaults;
  }

  private static Derived derive(CatalogConfig config) {
    Derived derived = new Derived();
    if (config.type() == CatalogType.LOCAL) {
      Path warehouse = config.localWarehouse();
      derived.put(
          CatalogProperties.URI,
          "jdbc:sqlite:" + warehouse.resolve(CatalogFactory.LOCAL_DATABASE),
          CatalogConfig.WAREHOUSE);
      // An explicit scheme keeps a configured Hadoop default file system (fs.defaultFS) out of the
      // way. "file:/abs" is the form Hadoop writes file locations in, so table, metadata and data
      // locations all read alike and can be compared as strings.
      derived.put(
          CatalogProperties.WAREHOUSE_LOCATION, "file:" + warehouse, CatalogConfig.WAREHOUSE);
      return derived;
    }

    derived.put(CatalogProperties.URI, config.uri().orElseThrow().toString(), CatalogConfig.URI);
    config
        .warehouse()
        .ifPresent(
            warehouse ->
                derived.put(
                    CatalogProperties.WAREHOUSE_LOCATION, warehouse, CatalogConfig.WAREHOUSE));
    deriveAuth(config.auth(), derived);
    if (config.vendedCredentials()) {
      derived.put(ACCESS_DELEGATION_HEADER, VENDED_CREDENTIALS, CatalogConfig.VENDED_CREDENTIALS);
    }
    deriveS3(config.s3(), derived);
    config
        .transport()
        .caBundle()
        .ifPresent(
            bundle -> {
              derived.put(
                  REST_TLS_CONFIGURER,
                  CaBundleTlsConfigurer.class.getName(),
                  TransportConfig.CA_BUNDLE);
              deriveS3Trust(bundle, derived);
            });
    return derived;
  }

  /**
   * S3 clients that trust the bundle: floe's client factory for S3FileIO, and the bundle's path for
   * it (and for the REST client's TLS configurer, which reads the same property).
   */
  private static void deriveS3Trust(CaBundle bundle, Derived derived) {
    derived.put(
        S3FileIOProperties.CLIENT_FACTORY,
        FloeS3ClientFactory.class.getName(),
        TransportConfig.CA_BUNDLE);
    derived.put(CA_BUNDLE_PROPERTY, bundle.path().toString(), TransportConfig.CA_BUNDLE);
  }

  private static void deriveAuth(CatalogAuth auth, Derived derived) {
    if (auth instanceof CatalogAuth.BearerToken bearer) {
      // Explicit, so Iceberg does not log that it inferred the auth type from the token.
      derived.put(AuthProperties.AUTH_TYPE, AuthProperties.AUTH_TYPE_OAUTH2, CatalogConfig.TOKEN);
      derived.put(OAuth2Properties.TOKEN, bearer.token().reveal(), CatalogConfig.TOKEN);
    } else if (auth instanceof CatalogAuth.ClientCredentials client) {
      String source = CatalogConfig.OAUTH2_CLIENT_ID;
      derived.put(AuthProperties.AUTH_TYPE, AuthProperties.AUTH_TYPE_OAUTH2, source);
      derived.put(
          OAuth2Properties.CREDENTIAL,
          client.clientId() + ":" + client.clientSecret().reveal(),
          source);
      client
          .serverUri()
          .ifPresent(
              uri ->
                  derived.put(
                      OAuth2Properties.OAUTH2_SERVER_URI,
                      uri.toString(),
                      CatalogConfig.OAUTH2_SERVER_URI));
      client
          .scope()
          .ifPresent(
              scope -> derived.put(OAuth2Properties.SCOPE, scope, CatalogConfig.OAUTH2_SCOPE));
    }
  }

  private static void deriveS3(S3Config s3, Derived derived) {
    // Per client, through floe's client factory: see REQUEST_CHECKSUM_PROPERTY.
    s3.requestChecksumCalculation()
        .ifPresent(
            mode ->
                derived.put(
                    REQUEST_CHECKSUM_PROPERTY,
                    mode.sdkValue(),
                    S3Config.REQUEST_CHECKSUM_CALCULATION));
    s3.responseChecksumValidation()
        .ifPresent(
            mode ->
                derived.put(
                    RESPONSE_CHECKSUM_PROPERTY,
                    mode.sdkValue(),
                    S3Config.RESPONSE_CHECKSUM_VALIDATION));
    if (hasChecksumModes(s3)) {
      derived.put(
          S3FileIOProperties.CLIENT_FACTORY,
          FloeS3ClientFactory.class.getName(),
          S3Config.REQUEST_CHECKSUM_CALCULATION);
    }
    s3.endpoint()
        .ifPresent(
            endpoint ->
                derived.put(S3FileIOProperties.ENDPOINT, endpoint.toString(), S3Config.ENDPOINT));
    s3.region()
        .ifPresent(
            region -> derived.put(AwsClientProperties.CLIENT_REGION, region, S3Config.REGION));
    s3.pathStyle()
        .ifPresent(
            pathStyle ->
                derived.put(
                    S3FileIOProperties.PATH_STYLE_ACCESS,
                    pathStyle.toString(),
                    S3Config.PATH_STYLE));
    s3.chunkedEncoding()
        .ifPresent(
            chunked ->
                derived.put(
                    S3FileIOProperties.CHUNKED_ENCODING_ENABLED,
                    chunked.toString(),
                    S3Config.CHUNKED_ENCODING));
    s3.credentials()
        .ifPresent(
            credentials -> {
              derived.put(
                  S3FileIOProperties.ACCESS_KEY_ID,
                  credentials.accessKeyId(),
                  S3Config.ACCESS_KEY_ID);
              derived.put(
                  S3FileIOProperties.SECRET_ACCESS_KEY,
                  credentials.secretAccessKey().reveal(),
                  S3Config.SECRET_ACCESS_KEY);
              credentials
                  .sessionToken()
                  .ifPresent(
                      token ->
                          derived.put(
                              S3FileIOProperties.SESSION_TOKEN,
                              token.reveal(),
                              S3Config.SESSION_TOKEN));
            });
  }

  /**
   * The pass-through properties: unknown {@code s3.*} keys (REST only; the local catalog stores
   * nothing in S3) and {@code catalog.property.*}. Fails when one would override a derived
   * property, or when both forms set one property to different values.
   */
  private static Map<String, String> passThrough(CatalogConfig config, Derived derived) {
    Map<String, String> passThrough = new TreeMap<>();
    if (config.type() == CatalogType.REST) {
      passThrough.putAll(config.s3().properties());
    }
    config
        .properties()
        .forEach(
            (key, value) -> {
              String earlier = passThrough.put(key, value);
              if (earlier != null && !earlier.equals(value)) {
                throw new InvalidConfigException(
                    "Invalid config: "
                        + key
                        + " and "
                        + CatalogConfig.PROPERTY_PREFIX
                        + key
                        + " set Iceberg property "
                        + key
                        + " to different values; keep one");
              }
            });
    for (String key : passThrough.keySet()) {
      String source = derived.sources.get(key);
      if (source != null) {
        String given =
            config.properties().containsKey(key) ? CatalogConfig.PROPERTY_PREFIX + key : key;
        throw new InvalidConfigException(
            "Invalid config: "
                + given
                + " cannot be passed to Iceberg: floe sets Iceberg property "
                + key
                + " from "
                + source
                + "; set "
                + source
                + " instead");
      }
    }
    return passThrough;
  }

  /**
   * The S3 properties of {@code config} alone (endpoint, region, path style, chunked encoding,
   * credentials, pass-through {@code s3.*}), for an S3 client outside any catalog. Credentials in
   * clear: hand them to Iceberg, never to a log.
   */
  static Map<String, String> s3Properties(CatalogConfig config) {
    Derived derived = new Derived();
    deriveS3(config.s3(), derived);
    config.transport().caBundle().ifPresent(bundle -> deriveS3Trust(bundle, derived));
    Map<String, String> properties = new TreeMap<>(config.s3().properties());
    properties.putAll(derived.values);
    return Redaction.redactingView(properties);
  }

  /** Derived properties, each with the floe key it comes from, for error messages. */
  private static final class Derived {
    private final Map<String, String> values = new TreeMap<>();
    private final Map<String, String> sources = new TreeMap<>();

    void put(String icebergKey, String value, String floeKey) {
      values.put(icebergKey, value);
      sources.put(icebergKey, floeKey);
    }
  }
}
