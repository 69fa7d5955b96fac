package dev.floe.catalog;

import dev.floe.core.source.S3ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.utils.CompletableFutureUtils;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * GETs of an S3 prefix's objects signed and sent by floe over the SDK's own HTTP client and SigV4
 * signer, without the client's request pipeline. For objects of a few KB that pipeline (endpoint
 * and auth-scheme resolution, interceptors, metrics, response unmarshalling with its date parsing)
 * cost about as much CPU as the HTTP exchange itself: 10,000 GETs of 5 KB from s3proxy took 0.79-
 * 0.88 CPU-ms each through {@code S3Client.getObject} and 0.37-0.41 this way, once compiled.
 *
 * <p>Only a {@code 200} is taken from this path. Anything else (another status, a transport
 * error) is answered by {@code S3Client.getObject} itself, as if this path did not exist: its retries, its exceptions and its statuses are what {@link
 * dev.floe.core.source.S3PrefixSource} sees. After {@value #MAX_FALLBACKS_IN_A_ROW} fallbacks in a
 * row the path turns itself off for the rest of the run, with one warning, so a store that refuses
 * these requests costs a run at most that many extra requests.
 *
 * <p>What it keeps of the client: the endpoint (the object URL the client's {@code S3Utilities}
 * give: path style, endpoint override, region), the region and the credentials provider. Like the
 * client's {@code getObject} as the source calls it (seen on the wire: no {@code
 * x-amz-checksum-mode}), it asks for no response checksum. It is not used at all where the
 * client signs or routes in ways it does not copy: remote signing, S3 Access Grants, access points
 * or cross-region access.
 */
final class DirectS3Reader implements S3ObjectReader {
  private static final Logger LOG = LoggerFactory.getLogger(DirectS3Reader.class);
  static final int MAX_FALLBACKS_IN_A_ROW = 16;

  private final S3Client s3;
  private final SdkHttpClient http;
  private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
  private final String region;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final Map<String, Optional<String>> bucketUrls = new ConcurrentHashMap<>();
  private final AtomicInteger fallbacksInARow = new AtomicInteger();
  private final AtomicBoolean off = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong direct = new AtomicLong();
  private final AtomicLong fallbacks = new AtomicLong();

  private DirectS3Reader(S3Client s3, SdkHttpClient http, String region) {
    this.s3 = s3;
    this.http = http;
    this.credentials = s3.serviceClientConfiguration().credentialsProvider();
    this.region = region;
  }

  /**
   * A direct reader for {@code s3} (built from {@code s3Properties}, which also configure the HTTP
   * client: {@code http-client.*}, the CA bundle), or the client's own GETs where the direct path
   * would not do what the client does.
   */
  static S3ObjectReader create(S3Client s3, Map<String, String> s3Properties) {
    Optional<String> reason = unsupported(s3, s3Properties);
    if (reason.isPresent()) {
      LOG.debug("S3 objects are read through the SDK's client: {}", reason.get());
      return S3ObjectReader.of(s3);
    }
    FloeS3ClientFactory factory = new FloeS3ClientFactory();
    factory.initialize(s3Properties);
    return new DirectS3Reader(
        s3, factory.httpClientBuilder().build(), s3.serviceClientConfiguration().region().id());
  }

  private static Optional<String> unsupported(S3Client s3, Map<String, String> properties) {
    if (PropertyUtil.propertyAsBoolean(properties, S3FileIOProperties.REMOTE_SIGNING_ENABLED, false)) {
      return Optional.of(S3FileIOProperties.REMOTE_SIGNING_ENABLED);
    }
    if (PropertyUtil.propertyAsBoolean(properties, S3FileIOProperties.S3_ACCESS_GRANTS_ENABLED, false)) {
      return Optional.of(S3FileIOProperties.S3_ACCESS_GRANTS_ENABLED);
    }
    if (PropertyUtil.propertyAsBoolean(properties, S3FileIOProperties.CROSS_REGION_ACCESS_ENABLED, false)) {
      return Optional.of(S3FileIOProperties.CROSS_REGION_ACCESS_ENABLED);
    }
    if (properties.keySet().stream().anyMatch(key -> key.startsWith(S3FileIOProperties.ACCESS_POINTS_PREFIX))) {
      return Optional.of(S3FileIOProperties.ACCESS_POINTS_PREFIX + "*");
    }
    Region region = s3.serviceClientConfiguration().region();
    if (region == null) {
      return Optional.of("no region");
    }
    return Optional.empty();
  }

  @Override
  public InputStream open(String bucket, String key) {
    if (!off.get()) {
      Optional<InputStream> content = tryDirect(bucket, key);
      if (content.isPresent()) {
        direct.incrementAndGet();
        fallbacksInARow.set(0);
        return content.get();
      }
      fallbacks.incrementAndGet();
      if (fallbacksInARow.incrementAndGet() >= MAX_FALLBACKS_IN_A_ROW && off.compareAndSet(false, true)) {
        LOG.warn(
            "Direct S3 GETs fell back to the SDK's client {} times in a row (the last for s3://{}/{});"
                + " reading the rest of this run's objects through the client only",
            MAX_FALLBACKS_IN_A_ROW,
            bucket,
            key);
      }
    }
    return s3.getObject(b -> b.bucket(bucket).key(key));
  }

  /** The object's content if this path got a {@code 200} for it; empty for the client to answer. */
  private Optional<InputStream> tryDirect(String bucket, String key) {
    Optional<String> bucketUrl = bucketUrls.computeIfAbsent(bucket, this::bucketUrl);
    if (bucketUrl.isEmpty() || !plainKey(key)) {
      return Optional.empty();
    }
    HttpExecuteResponse response;
    try {
      AwsCredentialsIdentity identity = CompletableFutureUtils.joinLikeSync(credentials.resolveIdentity());
      SdkHttpFullRequest.Builder request =
          SdkHttpFullRequest.builder()
              .method(SdkHttpMethod.GET)
              .uri(URI.create(bucketUrl.get() + SdkHttpUtils.urlEncodeIgnoreSlashes(key)));
      SdkHttpFullRequest unsigned = request.build();
      var signed =
          signer.sign(
              r ->
                  r.identity(identity)
                      .request(unsigned)
                      .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                      .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                      .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                      .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false));
      response = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request()).build()).call();
    } catch (IOException | RuntimeException e) {
      LOG.debug("Direct GET of s3://{}/{} failed; the SDK's client takes it: {}", bucket, key, e.toString());
      return Optional.empty();
    }
    SdkHttpResponse head = response.httpResponse();
    Optional<AbortableInputStream> body = response.responseBody();
    if (head.statusCode() != 200 || body.isEmpty()) {
      LOG.debug("Direct GET of s3://{}/{} answered {}; the SDK's client takes it", bucket, key, head.statusCode());
      body.ifPresent(DirectS3Reader::abort);
      return Optional.empty();
    }
    return Optional.of(body.get());
  }

  /** The URL of the bucket's root as the client's {@code S3Utilities} give it, ending in '/'. */
  private Optional<String> bucketUrl(String bucket) {
    try {
      String url = s3.utilities().getUrl(b -> b.bucket(bucket).key("k")).toString();
      if (url.endsWith("/k") && url.indexOf('?') < 0) {
        return Optional.of(url.substring(0, url.length() - 1));
      }
    } catch (RuntimeException e) {
      LOG.debug("No object URL for bucket {}: {}", bucket, e.toString());
    }
    return Optional.empty();
  }

  /** A key whose URL path no HTTP client or server would rewrite (no empty, '.' or '..' segments). */
  static boolean plainKey(String key) {
    if (key.isEmpty()) {
      return false;
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** GETs answered by this path, and those the client answered instead. For tests and logs. */
  long directGets() {
    return direct.get();
  }

  long fallbackGets() {
    return fallbacks.get();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      http.close();
    }
  }

  private static void abort(AbortableInputStream body) {
    try {
      body.abort();
      body.close();
    } catch (IOException | RuntimeException e) {
      // The connection is dropped either way.
    }
  }
}
