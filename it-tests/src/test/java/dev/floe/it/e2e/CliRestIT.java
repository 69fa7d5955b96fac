package dev.floe.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cron job's path end to end: {@code floe generate}, then {@code floe ingest --json} configured
 * only by {@code FLOE_*} and {@code AWS_*} variables, into the REST catalog with its files on S3,
 * read back by an independent Iceberg client.
 */
@ExtendWith(ServersExtension.class)
class CliRestIT {
  private static final long EVENTS = 100_000;

  @TempDir Path dir;
  private RestTarget target;

  @AfterEach
  void dropTable() {
    if (target != null) {
      target.close();
    }
  }

  @Test
  void ingestsGeneratedEventsExactlyOnceAsZstdFilesOfTheTargetSize(Endpoints endpoints) {
    target = RestTarget.create(endpoints, "cli");
    InProcessCli cli = new InProcessCli(target.cliEnv());
    Path input = dir.resolve("events.ndjson.gz");
    InProcessCli.Run generate =
        cli.run("generate", "--count", Long.toString(EVENTS), "--seed", "11", "-o", input.toString());
    assertThat(generate.exitCode()).as("%s", generate).isZero();

    String[] ingest = {
      "ingest", "--json",
      "-D", "write.target-file-size=4MB",
      // Pages scaled with the target as in the defaults (1 MB pages, 128 MB files): the writer's
      // size estimate counts the open page uncompressed, so 1 MB pages would roll 4 MB files
      // about 30% early.
      "-D", "write.parquet.page-size-bytes=32768",
      "-D", "dead-letter.dir=" + dir.resolve("dead-letters"),
      input.toString()
    };
    InProcessCli.Run first = cli.run(ingest);

    assertThat(first.exitCode()).as("%s", first).isZero();
    JsonNode summary = first.json();
    assertThat(summary.get("committed").asBoolean()).isTrue();
    assertThat(summary.get("table").asText()).isEqualTo("floe." + target.tableName());
    assertThat(summary.get("batches_committed").asInt()).isEqualTo(1);
    assertThat(summary.get("events_read").asLong()).isEqualTo(EVENTS);
    assertThat(summary.get("events_written").asLong()).isEqualTo(EVENTS);
    assertThat(summary.get("events_rejected").asLong()).isZero();

    Table table = target.load();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(summary.get("snapshot_id").asLong());
    ExpectedRows.ofNdjson(input).assertSameAs(ExpectedRows.ofTable(table));
    List<DataFile> files = DataFiles.of(table);
    assertThat(files).hasSize(summary.get("data_files").asInt());
    assertThat(files.stream().mapToLong(DataFile::fileSizeInBytes).sum())
        .isEqualTo(summary.get("bytes_written").asLong());
    DataFiles.assertZstdRolledAt(table, 4L << 20);

    InProcessCli.Run again = cli.run(ingest);
    assertThat(again.exitCode()).as("%s", again).isZero();
    assertThat(again.json().get("committed").asBoolean()).isFalse();
    assertThat(again.json().get("batches_skipped").asInt()).isEqualTo(1);
    assertThat(again.json().get("events_read").asLong()).isZero();
    Table afterAgain = target.load();
    assertThat(afterAgain.currentSnapshot().snapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
    assertThat(afterAgain.snapshots()).hasSize(1);
  }
}
