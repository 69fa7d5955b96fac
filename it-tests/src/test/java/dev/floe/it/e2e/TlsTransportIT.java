package dev.floe.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * TLS to S3 and to the REST catalog, verified by default and widened only by {@code
 * transport.ca-bundle}. S3 is the harness's s3proxy on its HTTPS port (same bucket as its HTTP one,
 * which the REST catalog keeps using); the catalog is reached through a TLS-terminating {@link
 * RecordingRelay} that forwards every request to the real REST server. Both present a self-signed
 * certificate for 127.0.0.1 that no JVM trusts by default.
 */
@ExtendWith(ServersExtension.class)
class TlsTransportIT {
  private static final long EVENTS = 2_000;
  private static final String UNTRUSTED =
      "unable to find valid certification path to requested target; if the server's certificate"
          + " is self-signed or issued by a private CA (e.g. a MinIO of your own), set"
          + " transport.ca-bundle (FLOE_TRANSPORT_CA_BUNDLE) to that CA's PEM file";

  @TempDir Path dir;
  private Endpoints endpoints;
  private Endpoints.S3Tls tls;
  private RestTarget target;

  @BeforeEach
  void setUp(Endpoints endpoints) {
    assumeTrue(endpoints.s3Tls().isPresent(), "external servers: no HTTPS S3 endpoint of ours");
    this.endpoints = endpoints;
    this.tls = endpoints.s3Tls().get();
  }

  @AfterEach
  void dropTable() {
    if (target != null) {
      target.close();
    }
  }

  @Test
  void s3OverHttpsWithTheCaBundleCommitsAndTheDataReadsBack() {
    target = RestTarget.create(endpoints, "tls_s3");
    Path input = RestTarget.generate(dir.resolve("events.ndjson"), EVENTS, 21);

    InProcessCli.Run run =
        s3OverHttps(tls.endpoint()).with("FLOE_TRANSPORT_CA_BUNDLE", bundle()).run(ingest(input));

    assertThat(run.exitCode()).as("%s", run).isZero();
    JsonNode summary = run.json();
    assertThat(summary.get("committed").asBoolean()).isTrue();
    assertThat(summary.get("events_written").asLong()).isEqualTo(EVENTS);
    Table table = target.load();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(summary.get("snapshot_id").asLong());
    ExpectedRows.ofNdjson(input).assertSameAs(ExpectedRows.ofTable(table));
  }

  @Test
  void s3OverHttpsWithoutTheBundleFailsNamingTheEndpointAndCommitsNothing() {
    target = RestTarget.create(endpoints, "tls_s3_untrusted");
    Path input = RestTarget.generate(dir.resolve("events.ndjson"), 100, 22);

    // The SDK would retry the handshake (s3.retry.*) with the same outcome, only later.
    InProcessCli.Run run =
        s3OverHttps(tls.endpoint()).run(ingest(input, "-D", "s3.retry.num-retries=0"));

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo(
            "floe: Cannot verify the TLS certificate of S3 endpoint "
                + tls.endpoint()
                + ": "
                + UNTRUSTED);
    assertThat(run.out()).isEmpty();
    assertNothingCommitted();
  }

  @Test
  void s3HostNameIsVerifiedEvenWithTheBundle() {
    target = RestTarget.create(endpoints, "tls_s3_host");
    Path input = RestTarget.generate(dir.resolve("events.ndjson"), 100, 23);
    // The same server by a name its certificate does not list (it names 127.0.0.1 only).
    URI byName = URI.create("https://localhost:" + tls.endpoint().getPort());

    InProcessCli.Run run =
        s3OverHttps(byName)
            .with("FLOE_TRANSPORT_CA_BUNDLE", bundle())
            .run(ingest(input, "-D", "s3.retry.num-retries=0"));

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.err())
        .startsWith("floe: Cannot verify the TLS certificate of S3 endpoint " + byName + ": ")
        .contains(
            "; the certificate does not name the host in the URL; floe always verifies host names");
    assertNothingCommitted();
  }

  @Test
  void s3PrefixSourceWithItsLeaseClaimsAndS3DeadLettersUseTheBundleToo() throws IOException {
    target = RestTarget.create(endpoints, "tls_s3_source");
    String root = "e2e-tls-" + UUID.randomUUID() + "/";
    String source = "s3://" + endpoints.bucket() + "/" + root + "incoming/";
    String deadLetters = "s3://" + endpoints.bucket() + "/" + root + "dead/";
    Path events = RestTarget.generate(dir.resolve("a.ndjson"), 500, 24);
    try (S3Client plain = endpoints.newS3Client()) {
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      batch.write(Files.readAllBytes(events));
      batch.write("{\"do_id\": broken\n".getBytes(StandardCharsets.UTF_8));
      plain.putObject(
          put -> put.bucket(endpoints.bucket()).key(root + "incoming/a.ndjson"),
          RequestBody.fromBytes(batch.toByteArray()));

      InProcessCli.Run run =
          s3OverHttps(tls.endpoint())
              .with("FLOE_TRANSPORT_CA_BUNDLE", bundle())
              .run(
                  "ingest",
                  "--json",
                  "-D",
                  "source.settle-time=0s",
                  "--dead-letter-dir",
                  deadLetters,
                  source);

      assertThat(run.exitCode()).as("%s", run).isZero();
      assertThat(run.json().get("events_written").asLong()).isEqualTo(500);
      assertThat(run.json().get("events_rejected").asLong()).isEqualTo(1);
      ExpectedRows.ofNdjson(events).assertSameAs(ExpectedRows.ofTable(target.load()));
      // The batch object was deleted after the commit, the lease and claim released, and the
      // reject written as an object: all through the HTTPS endpoint.
      List<String> keys = keys(plain, root);
      assertThat(keys).singleElement().asString().startsWith(root + "dead/a.ndjson-");
      for (String key : keys) {
        plain.deleteObject(delete -> delete.bucket(endpoints.bucket()).key(key));
      }
    }
  }

  @Test
  void restCatalogOverHttpsWithTheBundleCommitsThroughTheRelay() {
    target = RestTarget.create(endpoints, "tls_rest");
    Path input = RestTarget.generate(dir.resolve("events.ndjson"), EVENTS, 25);
    try (RecordingRelay relay =
        RecordingRelay.startTls(endpoints.catalogUri(), tls.certificate().serverContext())) {

      InProcessCli.Run run =
          new InProcessCli(target.cliEnv())
              .with("FLOE_CATALOG_URI", relay.uri().toString())
              .with("FLOE_TRANSPORT_CA_BUNDLE", bundle())
              .run(ingest(input));

      assertThat(run.exitCode()).as("%s", run).isZero();
      assertThat(relay.uri().getScheme()).isEqualTo("https");
      String namespace = target.tableName().substring(0, target.tableName().lastIndexOf('.'));
      assertThat(relay.requests())
          .extracting(RecordingRelay.Request::method, request -> request.path().split("\\?")[0])
          .contains(
              tuple("GET", "/v1/config"),
              tuple("POST", "/v1/namespaces/" + namespace + "/tables/events"));
    }
    ExpectedRows.ofNdjson(input).assertSameAs(ExpectedRows.ofTable(target.load()));
  }

  @Test
  void restCatalogOverHttpsWithoutTheBundleFailsBeforeAnyRequest() {
    target = RestTarget.create(endpoints, "tls_rest_untrusted");
    Path input = RestTarget.generate(dir.resolve("events.ndjson"), 100, 26);
    try (RecordingRelay relay =
        RecordingRelay.startTls(endpoints.catalogUri(), tls.certificate().serverContext())) {

      InProcessCli.Run run =
          new InProcessCli(target.cliEnv())
              .with("FLOE_CATALOG_URI", relay.uri().toString())
              .run(ingest(input));

      assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
      assertThat(run.err().strip())
          .isEqualTo(
              "floe: Cannot verify the TLS certificate of REST catalog floe at "
                  + relay.uri()
                  + ": "
                  + UNTRUSTED);
      assertThat(relay.requests()).as("requests that reached the catalog").isEmpty();
    }
    assertThat(target.exists()).isFalse();
  }

  @Test
  void restCatalogHostNameIsVerifiedEvenWithTheBundle() {
    target = RestTarget.create(endpoints, "tls_rest_host");
    Path input = RestTarget.generate(dir.resolve("events.ndjson"), 100, 27);
    try (RecordingRelay relay =
        RecordingRelay.startTls(endpoints.catalogUri(), tls.certificate().serverContext())) {
      URI byName = URI.create("https://localhost:" + relay.uri().getPort());

      InProcessCli.Run run =
          new InProcessCli(target.cliEnv())
              .with("FLOE_CATALOG_URI", byName.toString())
              .with("FLOE_TRANSPORT_CA_BUNDLE", bundle())
              .run(ingest(input));

      assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
      assertThat(run.err().strip())
          .isEqualTo(
              "floe: Cannot verify the TLS certificate of REST catalog floe at "
                  + byName
                  + ": No name matching localhost found; the certificate does not name the host"
                  + " in the URL; floe always verifies host names, so connect by a name or IP"
                  + " address the certificate lists");
      assertThat(relay.requests()).as("requests that reached the catalog").isEmpty();
    }
  }

  /** The CLI against the shared REST catalog, with S3 at {@code s3} (HTTPS). */
  private InProcessCli s3OverHttps(URI s3) {
    return new InProcessCli(target.cliEnv()).with("FLOE_S3_ENDPOINT", s3.toString());
  }

  private String bundle() {
    return tls.certificate().pem().toString();
  }

  private String[] ingest(Path input, String... extra) {
    List<String> args = new ArrayList<>(List.of("ingest", "--json"));
    args.addAll(List.of("-D", "dead-letter.dir=" + dir.resolve("dead-letters")));
    args.addAll(List.of(extra));
    args.add(input.toString());
    return args.toArray(String[]::new);
  }

  /** Floe may have created the table before S3 failed, but committed no snapshot to it. */
  private void assertNothingCommitted() {
    if (target.exists()) {
      assertThat(target.load().currentSnapshot()).isNull();
    }
  }

  private List<String> keys(S3Client s3, String prefix) {
    return s3
        .listObjectsV2(list -> list.bucket(endpoints.bucket()).prefix(prefix))
        .contents()
        .stream()
        .map(S3Object::key)
        .toList();
  }
}
