package dev.floe.it.servers;

import dev.floe.core.config.Secret;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.rest.auth.OAuth2Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where the integration tests find an S3 API and an Iceberg REST catalog: the servers that {@link
 * ServersExtension} started, or external ones named by {@code FLOE_IT_*} environment variables. The
 * secret key and catalog token are {@link Secret}s, so {@link #toString()} never shows them.
 *
 * @param s3Tls the same S3 API over HTTPS with a self-signed certificate: only the harness's own
 *     s3proxy offers it
 * @param startedByHarness true when this test JVM started the servers, false for external ones
 */
public record Endpoints(
    URI s3Endpoint,
    String region,
    String accessKeyId,
    Secret secretAccessKey,
    String bucket,
    String warehouse,
    URI catalogUri,
    Optional<Secret> catalogToken,
    Optional<S3Tls> s3Tls,
    boolean startedByHarness) {

  static final String S3_ENDPOINT = "FLOE_IT_S3_ENDPOINT";
  static final String CATALOG_URI = "FLOE_IT_CATALOG_URI";
  static final String ACCESS_KEY_ID = "FLOE_IT_S3_ACCESS_KEY_ID";
  static final String SECRET_ACCESS_KEY = "FLOE_IT_S3_SECRET_ACCESS_KEY";
  static final String BUCKET = "FLOE_IT_BUCKET";
  static final String WAREHOUSE = "FLOE_IT_WAREHOUSE";
  static final String REGION = "FLOE_IT_S3_REGION";
  static final String CATALOG_TOKEN = "FLOE_IT_CATALOG_TOKEN";
  static final String DEFAULT_REGION = "us-east-1";

  public Endpoints {
    Objects.requireNonNull(s3Endpoint, "s3Endpoint");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(warehouse, "warehouse");
    Objects.requireNonNull(catalogUri, "catalogUri");
    Objects.requireNonNull(catalogToken, "catalogToken");
    Objects.requireNonNull(s3Tls, "s3Tls");
  }

  /**
   * The S3 API over HTTPS on 127.0.0.1: same server, same bucket as {@link #s3Endpoint()}, with a
   * certificate that no JVM trusts by default.
   */
  public record S3Tls(URI endpoint, SelfSignedCertificate certificate) {
    public S3Tls {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(certificate, "certificate");
    }
  }

  /**
   * External endpoints, when {@code FLOE_IT_S3_ENDPOINT} and {@code FLOE_IT_CATALOG_URI} are set (a
   * docker-compose stack, an R2 bucket); empty when neither is, so the harness starts its own. With
   * them, {@code FLOE_IT_S3_ACCESS_KEY_ID}, {@code FLOE_IT_S3_SECRET_ACCESS_KEY}, {@code
   * FLOE_IT_BUCKET} and {@code FLOE_IT_WAREHOUSE} are required; {@code FLOE_IT_S3_REGION} (default
   * us-east-1, "auto" for R2) and {@code FLOE_IT_CATALOG_TOKEN} are optional.
   */
  static Optional<Endpoints> fromEnvironment(Map<String, String> env) {
    String s3Endpoint = value(env, S3_ENDPOINT);
    String catalogUri = value(env, CATALOG_URI);
    if (s3Endpoint == null && catalogUri == null) {
      return Optional.empty();
    }
    List<String> missing = new ArrayList<>();
    for (String name :
        List.of(S3_ENDPOINT, CATALOG_URI, ACCESS_KEY_ID, SECRET_ACCESS_KEY, BUCKET, WAREHOUSE)) {
      if (value(env, name) == null) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid integration-test environment: %s not set; external servers need all of "
                  + "%s, %s, %s, %s, %s and %s (unset %s and %s to start local servers)",
              String.join(", ", missing),
              S3_ENDPOINT,
              CATALOG_URI,
              ACCESS_KEY_ID,
              SECRET_ACCESS_KEY,
              BUCKET,
              WAREHOUSE,
              S3_ENDPOINT,
              CATALOG_URI));
    }
    String region = value(env, REGION);
    String token = value(env, CATALOG_TOKEN);
    return Optional.of(
        new Endpoints(
            URI.create(s3Endpoint),
            region == null ? DEFAULT_REGION : region,
            value(env, ACCESS_KEY_ID),
            Secret.of(value(env, SECRET_ACCESS_KEY)),
            value(env, BUCKET),
            value(env, WAREHOUSE),
            URI.create(catalogUri),
            Optional.ofNullable(token).map(Secret::of),
            Optional.empty(),
            false));
  }

  private static String value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /**
   * Properties for {@code org.apache.iceberg.rest.RESTCatalog#initialize}: the catalog, its
   * warehouse, and S3FileIO pointed at this S3 endpoint with path-style access and these keys. The
   * map holds the secret key in clear: hand it to the catalog, never print it.
   */
  public Map<String, String> catalogProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(CatalogProperties.URI, catalogUri.toString());
    properties.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
    properties.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.aws.s3.S3FileIO");
    properties.put(S3FileIOProperties.ENDPOINT, s3Endpoint.toString());
    properties.put(S3FileIOProperties.PATH_STYLE_ACCESS, "true");
    properties.put(S3FileIOProperties.ACCESS_KEY_ID, accessKeyId);
    properties.put(S3FileIOProperties.SECRET_ACCESS_KEY, secretAccessKey.reveal());
    properties.put(AwsClientProperties.CLIENT_REGION, region);
    catalogToken.ifPresent(token -> properties.put(OAuth2Properties.TOKEN, token.reveal()));
    return properties;
  }

  /**
   * A plain S3 client for this endpoint, to look at or prepare objects behind Iceberg's back. It
   * computes checksums only where the API requires them, as R2 rejects some of the SDK's defaults.
   */
  public S3Client newS3Client() {
    return S3Client.builder()
        .endpointOverride(s3Endpoint)
        .region(Region.of(region))
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(accessKeyId, secretAccessKey.reveal())))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }
}
