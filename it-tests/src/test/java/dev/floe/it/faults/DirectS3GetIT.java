package dev.floe.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.S3Clients;
import dev.floe.core.config.Settings;
import dev.floe.core.source.S3ObjectReader;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The S3 prefix source's direct GETs ({@code source.s3-direct-get}, on by default) against the real
 * s3proxy, through a byte-exact relay that sees every request: each object is one GET that floe
 * signed itself (s3proxy checks the SigV4 signature), the content is the object's, and any answer
 * but a 200 is the SDK client's own (its request carries the SDK's {@code amz-sdk-invocation-id},
 * which floe's direct GET does not), so errors and retries are what they were.
 */
@ExtendWith(ServersExtension.class)
class DirectS3GetIT {
  /** A GET as the relay passed it on: the object key, whether the SDK's client sent it, the answer. */
  record Get(String key, boolean sdk, String checksumMode, int status) {}

  private Endpoints endpoints;
  private FaultProxy relay;
  private S3Client direct;
  private final List<Get> gets = new CopyOnWriteArrayList<>();
  /** Each GET's x-amz-content-sha256, which S3 (unlike s3proxy) requires on every signed request. */
  private final List<String> payloadHashes = new CopyOnWriteArrayList<>();
  private String prefix;

  @BeforeEach
  void setUp(Endpoints endpoints) {
    this.endpoints = endpoints;
    prefix = "direct-" + UUID.randomUUID() + "/";
    relay = FaultProxy.start("s3", FaultProxy.Flavor.S3, endpoints.s3Endpoint());
    relay.observe((request, fault, status) -> {
      if (request.method().equals("GET") && !request.hasQuery()) {
        String path = URLDecoder.decode(request.path().replace("+", "%2B"), StandardCharsets.UTF_8);
        String bucketRoot = "/" + endpoints.bucket() + "/";
        gets.add(new Get(path.startsWith(bucketRoot) ? path.substring(bucketRoot.length()) : path,
            request.message().header("amz-sdk-invocation-id") != null,
            request.message().header("x-amz-checksum-mode"), status));
        payloadHashes.add(String.valueOf(request.message().header("x-amz-content-sha256")));
      }
    });
  }

  @AfterEach
  void tearDown() {
    if (direct != null) {
      direct.close();
    }
    relay.close();
  }

  @Test
  void eachObjectIsOneGetFloeSignedItselfWithItsExactContent() throws IOException {
    List<String> keys = List.of("plain.ndjson", "with space+plus=eq&amp;.ndjson", "unicodé/ü-ß.ndjson",
        "tilde~star*(paren)!'.ndjson", "percent%20literal.ndjson");
    Map<String, byte[]> contents = put(keys);
    try (S3ObjectReader reader = reader(Map.of())) {
      for (String key : keys) {
        assertThat(read(reader, prefix + key)).as(key).isEqualTo(contents.get(key));
      }
    }
    assertThat(gets).as("one direct GET per object, answered 200")
        .containsExactlyElementsOf(keys.stream().map(key -> new Get(prefix + key, false, null, 200)).toList());
    assertThat(payloadHashes).as("the empty payload's SHA-256, signed")
        .containsOnly("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void overHttpsWithTheCaBundleTheDirectGetTrustsTheSameCas() throws IOException {
    Endpoints.S3Tls tls = endpoints.s3Tls().orElseThrow();
    Map<String, byte[]> contents = put(List.of("tls.ndjson"));
    Map<String, String> settings = new LinkedHashMap<>(settings(tls.endpoint()));
    settings.put("transport.ca-bundle", tls.certificate().pem().toString());
    CatalogConfig config = CatalogConfig.from(Settings.of(settings, "DirectS3GetIT"));
    direct = S3Clients.create(config);
    try (S3ObjectReader reader = S3Clients.objectReader(config, direct)) {
      assertThat(read(reader, prefix + "tls.ndjson")).isEqualTo(contents.get("tls.ndjson"));
      assertThat(reader.getClass().getSimpleName()).isEqualTo("DirectS3Reader");
    }
  }

  @Test
  void aMissingObjectFailsAsTheClientsOwnGetFails() throws IOException {
    try (S3ObjectReader reader = reader(Map.of())) {
      assertThatThrownBy(() -> reader.open(endpoints.bucket(), prefix + "gone.ndjson"))
          .isInstanceOf(NoSuchKeyException.class);
    }
    // The same request as the client's, x-amz-checksum-mode (none) included; then the client's own.
    assertThat(gets).containsExactly(new Get(prefix + "gone.ndjson", false, null, 404),
        new Get(prefix + "gone.ndjson", true, null, 404));
  }

  @Test
  void aServerErrorOnTheDirectGetIsRetriedByTheClient() throws IOException {
    Map<String, byte[]> contents = put(List.of("flaky.ndjson"));
    relay.policy(request -> request.message().header("amz-sdk-invocation-id") == null ? Fault.INTERNAL_ERROR : Fault.PASS);
    try (S3ObjectReader reader = reader(Map.of())) {
      assertThat(read(reader, prefix + "flaky.ndjson")).isEqualTo(contents.get("flaky.ndjson"));
    }
    assertThat(gets).extracting(Get::sdk, Get::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple(false, 500), org.assertj.core.groups.Tuple.tuple(true, 200));
  }

  @Test
  void aStoreThatRefusesTheDirectGetsGetsOnlyTheClientsAfterSixteenInARow() throws IOException {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      keys.add(String.format("object-%02d.ndjson", i));
    }
    Map<String, byte[]> contents = put(keys);
    relay.policy(request -> request.message().header("amz-sdk-invocation-id") == null ? Fault.ACCESS_DENIED : Fault.PASS);
    try (S3ObjectReader reader = reader(Map.of())) {
      for (String key : keys) {
        assertThat(read(reader, prefix + key)).as(key).isEqualTo(contents.get(key));
      }
    }
    assertThat(gets.stream().filter(get -> !get.sdk()).count()).as("direct GETs before it turned itself off").isEqualTo(16);
    assertThat(gets.stream().filter(Get::sdk).map(Get::status).distinct()).containsExactly(200);
  }

  private S3ObjectReader reader(Map<String, String> extra) {
    Map<String, String> settings = new LinkedHashMap<>(settings(relay.uri()));
    settings.putAll(extra);
    CatalogConfig config = CatalogConfig.from(Settings.of(settings, "DirectS3GetIT"));
    direct = S3Clients.create(config);
    S3ObjectReader reader = S3Clients.objectReader(config, direct);
    assertThat(reader.getClass().getSimpleName()).as("the direct reader is used").isEqualTo("DirectS3Reader");
    return reader;
  }

  private Map<String, String> settings(URI s3Endpoint) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("catalog.type", "rest");
    settings.put("catalog.uri", endpoints.catalogUri().toString());
    settings.put("warehouse", endpoints.warehouse());
    settings.put("s3.endpoint", s3Endpoint.toString());
    settings.put("s3.path-style", "true");
    settings.put("s3.region", endpoints.region());
    settings.put("s3.access-key-id", endpoints.accessKeyId());
    settings.put("s3.secret-access-key", endpoints.secretAccessKey().reveal());
    return settings;
  }

  private Map<String, byte[]> put(List<String> keys) {
    Map<String, byte[]> contents = new LinkedHashMap<>();
    try (S3Client s3 = endpoints.newS3Client()) {
      for (String key : keys) {
        byte[] body = ("{\"do_id\":\"" + key + "\",\"n\":\"" + UUID.randomUUID() + "\"}\n").repeat(50)
            .getBytes(StandardCharsets.UTF_8);
        s3.putObject(b -> b.bucket(endpoints.bucket()).key(prefix + key), RequestBody.fromBytes(body));
        contents.put(key, body);
      }
    }
    return contents;
  }

  private byte[] read(S3ObjectReader reader, String key) throws IOException {
    try (InputStream in = reader.open(endpoints.bucket(), key)) {
      return in.readAllBytes();
    }
  }
}
