package dev.floe.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogFactory;
import dev.floe.catalog.S3Clients;
import dev.floe.core.Batch;
import dev.floe.core.BatchOutcome;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.IngestOptions;
import dev.floe.core.RunIds;
import dev.floe.core.RunLimits;
import dev.floe.core.config.Settings;
import dev.floe.core.generate.EventGenerator;
import dev.floe.core.job.IngestJob;
import dev.floe.core.source.S3PrefixSource;
import dev.floe.core.source.Source;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The cron job's S3-prefix source against a real S3 API: {@code floe ingest s3://bucket/prefix/}
 * takes the settled objects under the prefix, commits them once, and deletes them (or moves them
 * under {@code done/}); a lease object keeps two runs apart; claims let the next run finish what a
 * run that died after its commit left behind, without committing anything twice.
 */
@ExtendWith(ServersExtension.class)
class S3PrefixSourceIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;
  private Endpoints endpoints;
  private RestTarget target;
  private S3Client s3;
  /** This test's own corner of the bucket: {@code e2e-<uuid>/}. */
  private String root;
  private final List<Path> sent = new ArrayList<>();

  @BeforeEach
  void setUp(Endpoints endpoints) {
    this.endpoints = endpoints;
    target = RestTarget.create(endpoints, "s3source");
    s3 = endpoints.newS3Client();
    root = "e2e-" + UUID.randomUUID() + "/";
  }

  @AfterEach
  void cleanUp() {
    for (String key : keys("")) {
      s3.deleteObject(b -> b.bucket(endpoints.bucket()).key(root + key));
    }
    s3.close();
    target.close();
  }

  @Test
  void ingestsEachFinishedObjectOnceAndDeletesIt() throws IOException {
    putEvents("a.ndjson", 3_000, 101);
    putEvents("b.ndjson.gz", 2_000, 102);
    // Two broken lines among valid ones, and a gzip stream that is corrupt from its header on.
    byte[] valid = events(500, 103, "c.ndjson");
    put("c.ndjson", concat("{\"do_id\": broken\n".getBytes(StandardCharsets.UTF_8), valid,
        "{\"key\":\"no do_id\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":1}\n".getBytes(StandardCharsets.UTF_8)));
    put("corrupt.ndjson.gz", new byte[] {0x1f, (byte) 0x8b, 0x07, 0x00, 0x13, 0x37, 0x42, 0x00});
    // Not for this run: a producer's unfinished upload, a hidden file, a deeper "folder".
    put("d.ndjson.tmp", events(10, 104, null));
    put(".e.ndjson", events(10, 105, null));
    put("sub/f.ndjson", events(10, 106, null));

    InProcessCli.Run run = cli().run(ingest(prefix()));

    assertThat(run.exitCode()).as("%s", run).isZero();
    JsonNode summary = run.json();
    assertThat(summary.get("committed").asBoolean()).isTrue();
    assertThat(summary.get("batches_committed").asInt()).isEqualTo(4);
    assertThat(summary.get("events_written").asLong()).isEqualTo(5_500);
    assertThat(summary.get("events_rejected").asLong()).isEqualTo(3);
    ExpectedRows.ofNdjson(sent).assertSameAs(ExpectedRows.ofTable(target.load()));
    assertThat(deadLetterSources())
        .containsExactlyInAnyOrder(prefix() + "c.ndjson", prefix() + "corrupt.ndjson.gz");
    // Committed objects are gone; the lease and the run's claim were released.
    assertThat(keys("")).containsExactlyInAnyOrder("incoming/d.ndjson.tmp", "incoming/.e.ndjson", "incoming/sub/f.ndjson");

    InProcessCli.Run again = cli().run(ingest(prefix()));
    assertThat(again.exitCode()).as("%s", again).isZero();
    assertThat(again.json().get("committed").asBoolean()).isFalse();
    assertThat(again.json().get("batches_offered").asInt()).isZero();
    assertThat(target.load().snapshots()).hasSize(1);
  }

  @Test
  void objectsNotYetSettledAreCountedAsWaitingAndLeftInPlace() throws IOException {
    put("a.ndjson", events(100, 121, null));
    put("b.ndjson", events(100, 122, null));
    put("c.ndjson.tmp", events(10, 123, null)); // unfinished: not waiting for the settle time either
    Instant oldest = s3.listObjectsV2Paginator(b -> b.bucket(endpoints.bucket()).prefix(root + "incoming/")).contents().stream()
        .filter(object -> !object.key().endsWith(".tmp")).map(S3Object::lastModified).min(Comparator.naturalOrder()).orElseThrow();

    // The later -D wins over ingest()'s settle time of zero.
    InProcessCli.Run run = cli().run(ingest(prefix(), "-D", "source.settle-time=1h"));

    assertThat(run.exitCode()).as("%s", run).isZero();
    JsonNode summary = run.json();
    assertThat(summary.get("committed").asBoolean()).isFalse();
    assertThat(summary.get("batches_offered").asInt()).isZero();
    assertThat(summary.get("batches_waiting").asInt()).isEqualTo(2);
    assertThat(summary.get("oldest_waiting_since").asText()).isEqualTo(oldest.toString());
    assertThat(summary.get("oldest_waiting_until").asText()).isEqualTo(oldest.plus(Duration.ofHours(1)).toString());
    assertThat(keys("incoming/")).containsExactlyInAnyOrder("incoming/a.ndjson", "incoming/b.ndjson", "incoming/c.ndjson.tmp");
  }

  @Test
  void deadLettersCanGoToAnS3PrefixOneObjectPerBatch() throws IOException {
    byte[] valid = events(200, 107, "g.ndjson");
    put("g.ndjson", concat("{\"do_id\": broken\n".getBytes(StandardCharsets.UTF_8), valid,
        "{\"key\":\"no do_id\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":1}\n".getBytes(StandardCharsets.UTF_8)));
    String deadPrefix = "s3://" + endpoints.bucket() + "/" + root + "dead/";

    InProcessCli.Run run = cli().run(ingest(prefix(), "--dead-letter-dir", deadPrefix));

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.json().get("events_rejected").asLong()).isEqualTo(2);
    JsonNode locations = run.json().get("dead_letters");
    assertThat(locations).hasSize(1);
    String location = locations.get(0).asText();
    assertThat(location).startsWith(deadPrefix + "g.ndjson-").endsWith(".ndjson");
    List<JsonNode> rejects = new ArrayList<>();
    for (String line : new String(get(location.substring(("s3://" + endpoints.bucket() + "/" + root).length())),
        StandardCharsets.UTF_8).split("\n")) {
      rejects.add(MAPPER.readTree(line));
    }
    assertThat(rejects).extracting(r -> r.get("line").asLong()).containsExactly(1L, 202L);
    assertThat(rejects).allSatisfy(r -> assertThat(r.get("source").asText()).isEqualTo(prefix() + "g.ndjson"));
    assertThat(Files.exists(dir.resolve("dead-letters"))).as("nothing dead-lettered locally").isFalse();
    assertThat(keys("dead/")).hasSize(1);
  }

  @Test
  void keepDoneMovesCommittedObjectsUnderDone() throws IOException {
    byte[] a = putEvents("a.ndjson", 1_000, 111);
    byte[] b = putEvents("b.ndjson.gz", 1_000, 112);

    InProcessCli.Run run = cli().run(ingest(prefix(), "-D", "source.keep-done=true"));

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.json().get("batches_committed").asInt()).isEqualTo(2);
    ExpectedRows.ofNdjson(sent).assertSameAs(ExpectedRows.ofTable(target.load()));
    assertThat(keys("")).containsExactlyInAnyOrder("incoming/done/a.ndjson", "incoming/done/b.ndjson.gz");
    assertThat(get("incoming/done/a.ndjson")).isEqualTo(a);
    assertThat(get("incoming/done/b.ndjson.gz")).isEqualTo(b);
  }

  @Test
  void aRunWhileAnotherHoldsTheLeaseIsTurnedAwayAndTouchesNothing() throws IOException {
    putEvents("a.ndjson", 1_000, 121);
    try (S3PrefixSource holder = source(Duration.ofHours(1))) {
      holder.lock(); // another run, alive and within its lease

      InProcessCli.Run text = cli().run(textIngest(prefix()));
      assertThat(text.exitCode()).as("%s", text).isZero();
      assertThat(text.out()).startsWith("Nothing done: Cannot lease " + prefix() + ".floe/lease");
      InProcessCli.Run json = cli().run(ingest(prefix()));
      assertThat(json.exitCode()).as("%s", json).isZero();
      assertThat(json.json().get("skipped").asText()).isEqualTo("busy");
      assertThat(json.json().get("committed").asBoolean()).isFalse();

      assertThat(keys("")).containsExactlyInAnyOrder("incoming/a.ndjson", "incoming/.floe/lease");
      assertThat(target.exists()).as("table created by a turned-away run").isFalse();
    }

    InProcessCli.Run afterRelease = cli().run(ingest(prefix()));
    assertThat(afterRelease.exitCode()).as("%s", afterRelease).isZero();
    assertThat(afterRelease.json().get("events_written").asLong()).isEqualTo(1_000);
    assertThat(keys("")).isEmpty();
  }

  @Test
  void anExpiredLeaseIsTakenOver() throws IOException {
    putEvents("a.ndjson", 1_000, 131);
    // What a run that died an hour into a one-hour lease leaves behind.
    put(".floe/lease",
        ("{\"holder\":\"floe pid 4242\",\"acquired_at\":\"2026-01-01T00:00:00Z\","
                + "\"expires_at\":\"2026-01-01T01:00:00Z\"}")
            .getBytes(StandardCharsets.UTF_8));

    InProcessCli.Run run = cli().run(ingest(prefix()));

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.json().get("events_written").asLong()).isEqualTo(1_000);
    assertThat(run.console()).contains("of floe pid 4242 expired at 2026-01-01T01:00:00Z; taking it over");
    ExpectedRows.ofNdjson(sent).assertSameAs(ExpectedRows.ofTable(target.load()));
    assertThat(keys("")).isEmpty();
  }

  @Test
  void aStaleHolderDoesNotReleaseTheLeaseThatReplacedIt() {
    S3PrefixSource stale = source(Duration.ZERO); // expired as soon as taken
    stale.lock();
    try (S3PrefixSource current = source(Duration.ofHours(1))) {
      current.lock(); // takes the expired lease over
      stale.close(); // the stale holder wakes up and releases "its" lease

      assertThat(keys("")).containsExactly("incoming/.floe/lease");
      InProcessCli.Run run = cli().run(ingest(prefix()));
      assertThat(run.exitCode()).as("%s", run).isZero();
      assertThat(run.json().get("skipped").asText()).isEqualTo("busy");
    }
    assertThat(keys("")).isEmpty();
  }

  @Test
  void aRunThatDiedAfterItsCommitIsAcknowledgedByTheNextWithoutDuplicates() throws IOException {
    putEvents("a.ndjson", 1_500, 141);
    putEvents("b.ndjson", 1_500, 142);
    Settings settings = librarySettings();
    Catalog catalog = CatalogFactory.create(CatalogConfig.from(settings));
    try {
      FloeWriter writer = FloeWriter.builder(catalog).config(IngestConfig.from(settings)).build();
      // A lease with no time to live: what a run that died leaves is stale at once.
      S3PrefixSource real = source(Duration.ZERO);
      Source dying = new DiesBeforeAcknowledging(real);
      assertThatThrownBy(() -> new IngestJob(writer, Clock.systemUTC()).run(dying, IngestOptions.defaults()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("simulated crash after the commit");
      // No close(): the process is gone, its lease and claim stay behind.
    } finally {
      ((Closeable) catalog).close();
    }
    Table committed = target.load();
    ExpectedRows.ofNdjson(sent).assertSameAs(ExpectedRows.ofTable(committed));
    assertThat(keys("")).contains("incoming/a.ndjson", "incoming/b.ndjson", "incoming/.floe/lease")
        .anyMatch(key -> key.startsWith("incoming/.floe/claims/") && key.endsWith(".claim"));

    InProcessCli.Run next = cli().run(ingest(prefix()));

    assertThat(next.exitCode()).as("%s", next).isZero();
    JsonNode summary = next.json();
    assertThat(summary.get("claims_acknowledged").asInt()).isEqualTo(1);
    assertThat(summary.get("claims_released").asInt()).isZero();
    assertThat(summary.get("committed").asBoolean()).isFalse();
    assertThat(summary.get("batches_offered").asInt()).isZero();
    assertThat(keys("")).isEmpty();
    Table after = target.load();
    assertThat(after.currentSnapshot().snapshotId()).isEqualTo(committed.currentSnapshot().snapshotId());
    ExpectedRows.ofNdjson(sent).assertSameAs(ExpectedRows.ofTable(after));
  }

  @Test
  void aClaimThatNeverCommittedIsReleasedAndItsObjectsTakenAgain() throws IOException {
    putEvents("a.ndjson", 1_000, 151);
    putEvents("b.ndjson", 1_000, 152);
    S3PrefixSource dying = source(Duration.ZERO);
    dying.lock();
    List<Batch> taken = dying.pending();
    assertThat(taken).hasSize(2);
    dying.claim(RunIds.next(Clock.systemUTC()), taken);
    // ... and the process dies before reading or committing anything.

    InProcessCli.Run next = cli().run(ingest(prefix()));

    assertThat(next.exitCode()).as("%s", next).isZero();
    assertThat(next.json().get("claims_released").asInt()).isEqualTo(1);
    assertThat(next.json().get("claims_acknowledged").asInt()).isZero();
    assertThat(next.json().get("batches_committed").asInt()).isEqualTo(2);
    ExpectedRows.ofNdjson(sent).assertSameAs(ExpectedRows.ofTable(target.load()));
    assertThat(keys("")).isEmpty();
  }

  @Test
  void anObjectThatCannotBeReadIsSetAsideAndTheOthersCommitted() throws IOException {
    putEvents("a.ndjson", 1_000, 161);
    putEvents("b.ndjson", 1_000, 162);
    put("gone.ndjson", events(100, 163, null));
    Settings settings = librarySettings();
    Catalog catalog = CatalogFactory.create(CatalogConfig.from(settings));
    IngestJob.JobResult result;
    try (S3PrefixSource real = source(Duration.ofHours(1))) {
      FloeWriter writer = FloeWriter.builder(catalog).config(IngestConfig.from(settings)).build();
      // Listed, then deleted by someone else before this run reads it.
      Source racing = new DeletesAfterListing(real, s3, endpoints.bucket(), root + "incoming/gone.ndjson");
      result = new IngestJob(writer, Clock.systemUTC()).run(racing, IngestOptions.defaults());
    } finally {
      ((Closeable) catalog).close();
    }

    assertThat(result.ingest().committed()).isTrue();
    assertThat(result.ingest().batchesCommitted()).isEqualTo(2);
    assertThat(result.ingest().batches())
        .filteredOn(outcome -> outcome.status() == BatchOutcome.Status.FAILED)
        .singleElement()
        .satisfies(outcome -> assertThat(outcome.reason()).contains("Cannot read " + prefix() + "gone.ndjson"));
    ExpectedRows.ofNdjson(sent).assertSameAs(ExpectedRows.ofTable(target.load()));
    assertThat(keys("")).isEmpty();
  }

  // --- helpers

  private String prefix() {
    return "s3://" + endpoints.bucket() + "/" + root + "incoming/";
  }

  private InProcessCli cli() {
    return new InProcessCli(target.cliEnv());
  }

  private String[] textIngest(String source) {
    return new String[] {"ingest", "-D", "source.settle-time=0s", "-D", "dead-letter.dir=" + dir.resolve("dead-letters"), source};
  }

  private String[] ingest(String source, String... extra) {
    List<String> args = new ArrayList<>(List.of("ingest", "--json", "-D", "source.settle-time=0s",
        "-D", "dead-letter.dir=" + dir.resolve("dead-letters")));
    args.addAll(List.of(extra));
    args.add(source);
    return args.toArray(String[]::new);
  }

  private Settings librarySettings() {
    Map<String, String> values = new LinkedHashMap<>(target.settings());
    values.put("dead-letter.dir", dir.resolve("dead-letters").toString());
    return Settings.of(values, "S3PrefixSourceIT");
  }

  /** The source as the CLI builds it (same S3 settings as the table), settle time zero. */
  private S3PrefixSource source(Duration leaseTtl) {
    CatalogConfig config = CatalogConfig.from(librarySettings());
    return new S3PrefixSource(S3Clients.create(config), prefix(), Duration.ZERO, RunLimits.defaults(), leaseTtl, false, Clock.systemUTC());
  }

  /** Generated NDJSON (gzip if the name ends in .gz); also kept locally as the expected rows. */
  private byte[] putEvents(String name, int count, long seed) throws IOException {
    byte[] bytes = events(count, seed, name);
    put(name, bytes);
    return bytes;
  }

  private byte[] events(int count, long seed, String expectedAs) throws IOException {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    // Seeds far apart: the generator derives object ids from seed * 31 + index.
    new EventGenerator(seed * 10_000).write(count, plain);
    if (expectedAs != null) {
      sent.add(Files.write(dir.resolve("sent-" + sent.size() + ".ndjson"), plain.toByteArray()));
    }
    if (expectedAs == null || !expectedAs.endsWith(".gz")) {
      return plain.toByteArray();
    }
    ByteArrayOutputStream gzip = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
      plain.writeTo(out);
    }
    return gzip.toByteArray();
  }

  private void put(String name, byte[] bytes) {
    s3.putObject(b -> b.bucket(endpoints.bucket()).key(root + "incoming/" + name), RequestBody.fromBytes(bytes));
  }

  private byte[] get(String key) {
    return s3.getObjectAsBytes(b -> b.bucket(endpoints.bucket()).key(root + key)).asByteArray();
  }

  /** Keys under this test's root, relative to it. */
  private Set<String> keys(String under) {
    Set<String> keys = new TreeSet<>();
    for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(endpoints.bucket()).prefix(root + under)).contents()) {
      keys.add(object.key().substring(root.length()));
    }
    return keys;
  }

  private Set<String> deadLetterSources() throws IOException {
    Set<String> sources = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir.resolve("dead-letters"))) {
      for (Path file : files.toList()) {
        for (String line : Files.readAllLines(file)) {
          sources.add(MAPPER.readTree(line).get("source").asText());
        }
      }
    }
    return sources;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.writeBytes(part);
    }
    return all.toByteArray();
  }

  /** A source whose process dies right after the commit, before acknowledging anything. */
  private static final class DiesBeforeAcknowledging extends ForwardingSource {
    DiesBeforeAcknowledging(Source delegate) {
      super(delegate);
    }

    @Override
    public void acknowledge(List<String> batchSources) {
      throw new IllegalStateException("simulated crash after the commit");
    }
  }

  /** Someone deletes one object between this run listing it and reading it. */
  private static final class DeletesAfterListing extends ForwardingSource {
    private final S3Client s3;
    private final String bucket;
    private final String key;

    DeletesAfterListing(Source delegate, S3Client s3, String bucket, String key) {
      super(delegate);
      this.s3 = s3;
      this.bucket = bucket;
      this.key = key;
    }

    @Override
    public List<Batch> pending() {
      List<Batch> pending = super.pending();
      s3.deleteObject(b -> b.bucket(bucket).key(key));
      return pending;
    }
  }

  /** Passes every call on; subclasses replace the one they inject a failure into. */
  private abstract static class ForwardingSource implements Source {
    private final Source delegate;

    ForwardingSource(Source delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public Optional<String> key() {
      return delegate.key();
    }

    @Override
    public void lock() {
      delegate.lock();
    }

    @Override
    public List<Claim> leftoverClaims() {
      return delegate.leftoverClaims();
    }

    @Override
    public List<Batch> pending() {
      return delegate.pending();
    }

    @Override
    public Unsettled unsettled() {
      return delegate.unsettled();
    }

    @Override
    public void claim(String claimId, List<Batch> batches) {
      delegate.claim(claimId, batches);
    }

    @Override
    public void recordOutcome(String claimId, Claim.Outcome outcome) {
      delegate.recordOutcome(claimId, outcome);
    }

    @Override
    public void acknowledge(List<String> batchSources) {
      delegate.acknowledge(batchSources);
    }

    @Override
    public void releaseClaim(String claimId) {
      delegate.releaseClaim(claimId);
    }

    @Override
    public void fail(String batchSource, String reason) {
      delegate.fail(batchSource, reason);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
