package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code floe maintain ...} in-process against the embedded catalog. */
class MaintainCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long DAY_1 = Instant.parse("2026-11-01T10:00:00Z").toEpochMilli();
  private static final int INGESTS = 6;

  @TempDir Path dir;
  private final CliRunner cli = new CliRunner(Map.of());
  private String[] where;

  @BeforeEach
  void ingestSmallBatches() throws IOException {
    where =
        new String[] {
          "--warehouse", dir.resolve("wh").toString(), "-D", "dead-letter.dir=" + dir.resolve("dead"),
          "-D", "maintain.compaction.target-file-size=256KB"
        };
    for (int run = 0; run < INGESTS; run++) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        long seq = run * 100L + i;
        lines.add(
            String.format(
                "{\"do_id\":\"do-%d\",\"key\":\"k%d\",\"value\":\"{}\",\"op\":\"PUT\",\"timestamp\":%d,\"seq\":%d}",
                seq % 7, seq, DAY_1 + (seq % 2) * 86_400_000L, seq));
      }
      Path file = Files.write(dir.resolve("batch-" + run + ".ndjson"), lines);
      CliRunner.Result ingest = run("ingest", file.toString());
      assertThat(ingest.exitCode()).as(ingest.err()).isZero();
    }
  }

  private CliRunner.Result run(String... args) {
    return cli.run(EmbeddedDefaultTest.concat(args, where));
  }

  private JsonNode status() throws IOException {
    CliRunner.Result status = run("status", "--json");
    assertThat(status.exitCode()).as(status.err()).isZero();
    return MAPPER.readTree(status.out());
  }

  @Test
  void compactDryRunPrintsThePlanAndChangesNothingThenCompactCommitsIt() throws IOException {
    CliRunner.Result dryRun = run("maintain", "compact", "--dry-run", "--partition-min-age", "0s");

    assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
    assertThat(dryRun.out())
        .startsWith("Compaction plan for ")
        .contains("2 groups, 12 files")
        .contains("rewrite timestamp_day=2026-11-01: 6 files")
        .contains("rewrite timestamp_day=2026-11-02: 6 files");
    assertThat(status().get("data_files").asInt()).isEqualTo(12);

    CliRunner.Result compact = run("maintain", "compact", "--json", "--partition-min-age", "0s");

    assertThat(compact.exitCode()).as(compact.err()).isZero();
    JsonNode result = MAPPER.readTree(compact.out());
    assertThat(compact.out().strip()).doesNotContain("\n");
    assertThat(result.get("dry_run").asBoolean()).isFalse();
    assertThat(result.get("files_before").asInt()).isEqualTo(12);
    assertThat(result.get("files_after").asInt()).isEqualTo(2);
    assertThat(result.get("groups_committed").asInt()).isEqualTo(2);
    assertThat(result.get("groups").get(0).get("status").asText()).isEqualTo("committed");
    JsonNode status = status();
    assertThat(status.get("data_files").asInt()).isEqualTo(2);
    assertThat(status.get("rows").asInt()).isEqualTo(INGESTS * 100);
  }

  @Test
  void onTheEmbeddedCatalogACompactionCommitThatDidNotLandDeletesItsNewFiles() throws IOException {
    List<Path> before = parquetFiles();

    // A failure Iceberg does not classify, while the commit writes the new metadata.json.
    CliRunner.Result compact =
        run("maintain", "compact", "--partition-min-age", "0s",
            "-D", "catalog.property.io-impl=" + FaultyFileIO.class.getName(),
            "-D", "catalog.property.faulty.files=.metadata.json",
            "-D", "catalog.property.faulty.error=illegal-argument");

    assertThat(compact.exitCode()).as(compact.err()).isEqualTo(ExitCodes.RETRYABLE);
    assertThat(compact.err())
        .contains("Cannot commit compaction ")
        .contains("it did not land (the embedded catalog shows no such commit)");
    assertThat(parquetFiles()).containsExactlyInAnyOrderElementsOf(before);
    JsonNode status = status();
    assertThat(status.get("data_files").asInt()).isEqualTo(12);
    assertThat(status.get("rows").asInt()).isEqualTo(INGESTS * 100);
  }

  @Test
  void recentPartitionsAreLeftAloneByDefault() {
    CliRunner.Result compact = run("maintain", "compact");

    assertThat(compact.exitCode()).as(compact.err()).isZero();
    assertThat(compact.out())
        .startsWith("compaction: 12 -> 12 data files")
        .contains("0 of 0 groups committed")
        .contains("2 partitions skipped");
  }

  @Test
  void allRunsEveryStepAndReportsEachAsJson() throws IOException {
    Path orphan = Path.of(status().get("location").asText().replaceFirst("^file:", "")).resolve("data/stray.parquet");
    Files.writeString(orphan, "x");
    Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofDays(4))));

    CliRunner.Result all =
        run("maintain", "all", "--json", "--partition-min-age", "0s", "--older-than", "0s", "--retain-last", "1", "--min-manifests", "2");

    assertThat(all.exitCode()).as(all.err()).isZero();
    JsonNode result = MAPPER.readTree(all.out());
    assertThat(result.get("compaction").get("files_after").asInt()).isEqualTo(2);
    assertThat(result.get("manifests").get("rewritten").asBoolean()).isTrue();
    assertThat(result.get("expiry").get("snapshots_after").asInt()).isEqualTo(1);
    assertThat(result.get("expiry").get("data_files_deleted").asInt()).isEqualTo(12);
    // The batch ledger lives in table properties: nothing left for the expiry to carry.
    assertThat(result.get("expiry").get("carried_snapshots").asInt()).isZero();
    assertThat(result.get("orphans").get("orphans_deleted").asInt()).isEqualTo(1);
    assertThat(result.get("orphans").get("skipped").asBoolean()).isFalse();
    assertThat(result.get("orphans").get("skip_reason").isNull()).isTrue();
    assertThat(orphan).doesNotExist();
    assertThat(parquetFiles()).hasSize(2);

    // The batches' snapshots expired, yet offering them again commits nothing.
    CliRunner.Result again = run("ingest", "--json", dir.resolve("batch-0.ndjson").toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(MAPPER.readTree(again.out()).get("committed").asBoolean()).isFalse();
    assertThat(status().get("rows").asInt()).isEqualTo(INGESTS * 100);

    CliRunner.Result text = run("maintain", "all", "--dry-run");
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out().lines().toList())
        .hasSize(5)
        .first()
        .asString()
        .startsWith("Maintained ");
  }

  @Test
  void orphansDryRunListsThemAndAMissingTableIsAUsageError() throws IOException {
    Path orphan = Path.of(status().get("location").asText().replaceFirst("^file:", "")).resolve("data/stray.parquet");
    Files.writeString(orphan, "x");
    Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofDays(4))));

    CliRunner.Result dryRun = run("maintain", "orphans", "--dry-run");

    assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
    assertThat(dryRun.out()).contains("1 orphans").contains("stray.parquet");
    assertThat(orphan).exists();

    CliRunner.Result missing = run("maintain", "expire", "--table", "nope.missing");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err().strip()).startsWith("floe: Cannot maintain table nope.missing: it does not exist");
    assertThat(missing.err().strip()).doesNotContain("\n");
  }

  private List<Path> parquetFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("wh"))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
  }
}
