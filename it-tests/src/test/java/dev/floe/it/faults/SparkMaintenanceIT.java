package dev.floe.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.core.Batch;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.IngestOptions;
import dev.floe.core.RunLimits;
import dev.floe.core.commit.BatchLedger;
import dev.floe.core.config.Settings;
import dev.floe.core.job.IngestJob;
import dev.floe.core.source.Source;
import dev.floe.core.source.SpoolSource;
import dev.floe.it.interop.SparkExtension;
import dev.floe.it.interop.SparkSql;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another engine maintains a floe table: Spark 4.1 runs Iceberg's {@code rewrite_data_files} and
 * {@code expire_snapshots} procedures on it. floe keeps committing, and its exactly-once record
 * keeps recognising what it committed before:
 *
 * <ul>
 *   <li>after a rewrite, every batch (its snapshot summary is still on the history);
 *   <li>after floe's own {@code maintain expire} and after Spark's {@code expire_snapshots}, every
 *       batch inside the dedupe window (each commit carries its digests in a table property, which
 *       survives any engine's expiry);
 *   <li>after Spark's expiry, a spool run that committed and died before acknowledging (the table
 *       property {@code floe.source.<key>.last-run}).
 * </ul>
 */
@ExtendWith({ServersExtension.class, SparkExtension.class})
class SparkMaintenanceIT {
  private static final int EVENTS = 400;

  @TempDir Path dir;

  @Test
  void floeKeepsWorkingAndRecognisingItsBatchesAfterSparkMaintenance(Endpoints endpoints, SparkSql spark)
      throws IOException {
    String catalog = "faults_" + UUID.randomUUID().toString().substring(0, 8);
    spark.registerRestCatalog(catalog, endpoints.catalogProperties());
    String table = "faults_" + UUID.randomUUID().toString().replace("-", "") + ".events";
    String sparkTable = catalog + "." + table;
    Floe floe = Floe.via(endpoints, endpoints.s3Endpoint(), endpoints.catalogUri()).with("source.settle-time", "0s");
    Path deadLetters = dir.resolve("dead-letters");
    List<Path> files = floe.generateFiles(dir, 6, EVENTS, 7_000);
    Path spool = Files.createDirectories(dir.resolve("spool"));
    Path spooled = floe.generate(spool.resolve("s1.ndjson.gz"), EVENTS, 7_500);
    List<Path> all = new ArrayList<>(files);
    all.add(spooled);
    List<TableCheck.Key> expected = TableCheck.eventsOf(all); // before s1 leaves the spool
    List<String> figures = new ArrayList<>();

    try (TableCheck check = new TableCheck(endpoints)) {
      // f1, f2, f3: three floe commits of small files.
      for (Path file : files.subList(0, 3)) {
        assertThat(floe.ingest(table, deadLetters, List.of(file)).committedBatches()).isEqualTo(1);
      }

      // Spark compacts them.
      JsonNode rewrite =
          SparkSql.onlyRow(spark.sql("CALL " + catalog + ".system.rewrite_data_files(table => '" + table
              + "', options => map('min-input-files', '2'))"));
      assertThat(rewrite.get("rewritten_data_files_count").asInt()).isPositive();
      figures.add("Spark rewrite_data_files: " + rewrite.get("rewritten_data_files_count").asInt() + " files -> "
          + rewrite.get("added_data_files_count").asInt());

      // floe still recognises f1-f3 (their summaries are on the history) and commits f4 on top.
      Floe.Result again = floe.ingest(table, deadLetters, files.subList(0, 3));
      assertThat(again.json().get("committed").asBoolean()).isFalse();
      assertThat(again.json().get("batches_skipped").asInt()).isEqualTo(3);
      assertThat(floe.ingest(table, deadLetters, List.of(files.get(3))).committedBatches()).isEqualTo(1);
      figures.add("after Spark's rewrite: f1-f3 offered again, skipped 3; f4 committed");

      // A spool run commits s1 and dies before acknowledging it: the claim is left behind.
      crashAfterCommit(check, table, spool, deadLetters);
      assertThat(spooled).exists();

      // floe's own expiry (all but the spool run's snapshot); f1-f4's digests stay in the batch ledger.
      Floe.Result expire = floe.maintain("expire", table, "--older-than", "0s", "--retain-last", "1");
      assertThat(expire.exitCode()).as("stderr:%n%s", expire.err()).isZero();
      long parts = check.table(table).properties().keySet().stream().filter(key -> key.startsWith("floe.ledger.")).count();
      assertThat(parts).as("batch ledger parts named by table properties").isPositive();
      figures.add("floe maintain expire: " + expire.json().get("snapshots_expired") + " snapshots expired, "
          + parts + " batch ledger parts in table properties");

      // f5 and f6, then Spark expires every snapshot but the last (f6's).
      assertThat(floe.ingest(table, deadLetters, List.of(files.get(4))).committedBatches()).isEqualTo(1);
      assertThat(floe.ingest(table, deadLetters, List.of(files.get(5))).committedBatches()).isEqualTo(1);
      String olderThan =
          LocalDateTime.now(ZoneOffset.UTC).plusMinutes(1).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
      JsonNode expired =
          SparkSql.onlyRow(spark.sql("CALL " + catalog + ".system.expire_snapshots(table => '" + table
              + "', older_than => TIMESTAMP '" + olderThan + "', retain_last => 1)"));
      Table afterSpark = check.table(table);
      assertThat(afterSpark.snapshots()).hasSize(1);
      figures.add("Spark expire_snapshots: snapshots left 1, data files deleted "
          + expired.get("deleted_data_files_count").asInt() + ", manifest lists deleted "
          + expired.get("deleted_manifest_lists_count").asInt());

      // floe keeps working: the next spool run settles the dead run's claim from the table
      // property, moving s1 out without ingesting it again.
      Floe.Result settle = floe.ingestSpool(table, deadLetters, spool);
      assertThat(settle.exitCode()).as("stderr:%n%s", settle.err()).isZero();
      assertThat(settle.json().get("claims_acknowledged").asInt()).isEqualTo(1);
      assertThat(settle.json().get("committed").asBoolean()).isFalse();
      assertThat(spooled).doesNotExist();
      assertThat(spool.resolve("done").resolve("s1.ndjson.gz")).exists();
      figures.add("spool run that died before acknowledging, its snapshot expired by Spark: settled, not ingested again");

      // f1-f4 (expired by floe), f5 (expired by Spark) and f6 (current snapshot): all recognised.
      Floe.Result carried = floe.ingest(table, deadLetters, files.subList(0, 6));
      assertThat(carried.json().get("committed").asBoolean()).isFalse();
      assertThat(carried.json().get("batches_skipped").asInt()).isEqualTo(6);
      figures.add("f1-f4 (snapshots expired by floe), f5 (expired by Spark), f6 (current) offered again: skipped 6");

      TableCheck.Tally after = check.tally(table, expected);
      assertThat(after.lost()).isZero();
      assertThat(after.doubled()).isZero();

      // Spark reads what floe wrote after all this maintenance.
      JsonNode count = SparkSql.onlyRow(spark.sql("SELECT count(*) AS n FROM " + sparkTable));
      assertThat(count.get("n").asLong()).isEqualTo(after.rows());
      assertThat(check.missingDataFiles(table)).isEmpty();

      figures.add(after.toString());
      Figures.report("SparkMaintenanceIT:", figures);
    }
  }

  /**
   * Runs the cron job's spool path as a library, with a source that "dies" right after the commit,
   * before acknowledging: the claim stays, s1 stays in the spool.
   */
  private static void crashAfterCommit(TableCheck check, String table, Path spool, Path deadLetters) {
    IngestConfig config =
        IngestConfig.from(
            Settings.of(Map.of(IngestConfig.TABLE, table, IngestConfig.DEAD_LETTER_DIR, deadLetters.toString()), "test"));
    FloeWriter writer = FloeWriter.builder(check.catalog()).config(config).build();
    try (Source source =
        new DiesBeforeAcknowledging(new SpoolSource(spool, Duration.ZERO, RunLimits.defaults(), Clock.systemUTC()))) {
      assertThatThrownBy(() -> new IngestJob(writer, Clock.systemUTC()).run(source, IngestOptions.defaults()))
          .hasMessage("simulated crash after the commit");
    }
    Table committed = check.table(table);
    assertThat(committed.currentSnapshot().summary()).containsKey(BatchLedger.RUN_ID);
    assertThat(committed.properties().keySet()).anyMatch(key -> key.startsWith(IngestOptions.SourceMark.PREFIX));
  }



  /** A source whose acknowledgement never happens: the process "dies" first. */
  private record DiesBeforeAcknowledging(Source source) implements Source {
    @Override
    public String name() {
      return source.name();
    }

    @Override
    public Optional<String> key() {
      return source.key();
    }

    @Override
    public void lock() {
      source.lock();
    }

    @Override
    public List<Claim> leftoverClaims() {
      return source.leftoverClaims();
    }

    @Override
    public List<Batch> pending() {
      return source.pending();
    }

    @Override
    public Unsettled unsettled() {
      return source.unsettled();
    }

    @Override
    public void claim(String claimId, List<Batch> batches) {
      source.claim(claimId, batches);
    }

    @Override
    public void recordOutcome(String claimId, Claim.Outcome outcome) {
      source.recordOutcome(claimId, outcome);
    }

    @Override
    public void acknowledge(List<String> batchSources) {
      throw new IllegalStateException("simulated crash after the commit");
    }

    @Override
    public void releaseClaim(String claimId) {
      source.releaseClaim(claimId);
    }

    @Override
    public void fail(String batchSource, String reason) {
      source.fail(batchSource, reason);
    }

    @Override
    public void close() {
      source.close();
    }
  }
}
