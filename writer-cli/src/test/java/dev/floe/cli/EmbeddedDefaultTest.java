package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, end to end, checked through an independent Iceberg JDBC client. */
class EmbeddedDefaultTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void ingestsEveryEventOnceIntoAnOrdinaryIcebergTable() throws Exception {
    CliRunner cli = new CliRunner(Map.of());
    Path input = dir.resolve("events.ndjson.gz");
    Path warehouse = dir.resolve("wh");
    String[] where = {"--warehouse", warehouse.toString(), "-D", "dead-letter.dir=" + dir.resolve("dead")};

    assertThat(cli.run("generate", "--count", "3000", "--seed", "7", "-o", input.toString()).exitCode()).isZero();
    CliRunner.Result ingest = cli.run(concat(new String[] {"ingest", "--json", input.toString()}, where));

    assertThat(ingest.exitCode()).as(ingest.err()).isZero();
    JsonNode summary = MAPPER.readTree(ingest.out());
    assertThat(ingest.out().strip()).doesNotContain("\n");
    assertThat(summary.get("events_read").asLong()).isEqualTo(3000);
    assertThat(summary.get("events_written").asLong()).isEqualTo(3000);
    assertThat(summary.get("events_rejected").asLong()).isZero();
    assertThat(summary.get("committed").asBoolean()).isTrue();
    for (String field : List.of("run_id", "table", "events_filtered", "data_files", "data_files_closed_early", "bytes_written", "snapshot_id", "duration_ms")) {
      assertThat(summary.has(field)).as(field).isTrue();
    }

    CliRunner.Result status = cli.run(concat(new String[] {"status", "--json"}, where));
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(MAPPER.readTree(status.out()).get("rows").asLong()).isEqualTo(3000);

    try (JdbcCatalog catalog = openIndependently(warehouse)) {
      Table table = catalog.loadTable(TableIdentifier.of("do_state", "changes"));
      assertThat(table.spec().fields()).singleElement().satisfies(field -> {
        assertThat(field.transform().toString()).isEqualTo("day");
        assertThat(table.schema().findColumnName(field.sourceId())).isEqualTo("timestamp");
      });
      assertThat(rows(table)).isEqualTo(expected(input));
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          assertThat(codecs(task.file())).containsExactly(CompressionCodecName.ZSTD);
        }
      }
    }

    CliRunner.Result again = cli.run(concat(new String[] {"ingest", input.toString()}, where));
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).startsWith("Nothing new to commit: 1 batches offered, 1 already in");
    CliRunner.Result statusAgain = cli.run(concat(new String[] {"status", "--json"}, where));
    assertThat(MAPPER.readTree(statusAgain.out()).get("rows").asLong()).isEqualTo(3000);
  }

  private static JdbcCatalog openIndependently(Path warehouse) {
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.setConf(new Configuration());
    catalog.initialize(
        "floe",
        Map.of("uri", "jdbc:sqlite:" + warehouse.resolve("catalog.db").toAbsolutePath(), "warehouse", warehouse.toAbsolutePath().toString()));
    return catalog;
  }

  /** (do_id, seq) to the row's other values, from the table. */
  private static Map<String, List<Object>> rows(Table table) throws IOException {
    Map<String, List<Object>> rows = new HashMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record r : records) {
        Instant timestamp = ((OffsetDateTime) r.getField("timestamp")).toInstant();
        List<Object> previous = rows.put(r.getField("do_id") + "/" + r.getField("seq"),
            java.util.Arrays.asList(r.getField("ns"), r.getField("type"), r.getField("key"), r.getField("value"), r.getField("op"), timestamp.toEpochMilli()));
        assertThat(previous).as("duplicate row").isNull();
      }
    }
    return rows;
  }

  /** The same map from the input file. */
  private static Map<String, List<Object>> expected(Path input) throws IOException {
    Map<String, List<Object>> rows = new HashMap<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(input)), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        JsonNode e = MAPPER.readTree(line);
        rows.put(e.get("do_id").asText() + "/" + e.get("seq").asLong(),
            java.util.Arrays.asList(e.get("ns").asText(), e.get("type").asText(), e.get("key").asText(),
                e.get("value").isNull() ? null : e.get("value").asText(), e.get("op").asText(), e.get("timestamp").asLong()));
      }
    }
    return rows;
  }

  private static List<CompressionCodecName> codecs(DataFile file) throws IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.location());
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, new Configuration()))) {
      return reader.getFooter().getBlocks().stream()
          .map(BlockMetaData::getColumns).flatMap(List::stream)
          .map(ColumnChunkMetaData::getCodec).distinct().toList();
    }
  }

  static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
