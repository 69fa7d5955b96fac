package dev.floe.core.maintenance;

import dev.floe.core.Batch;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.IngestResult;
import dev.floe.core.TestTables;
import dev.floe.core.config.DataSize;
import dev.floe.core.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/** A temp-dir warehouse with floe's event table, filled by real FloeWriter ingests. */
final class Fixture {
  static final Instant DAY_1 = Instant.parse("2026-11-01T10:00:00Z");
  static final List<Instant> DAYS = List.of(DAY_1, DAY_1.plus(Duration.ofDays(1)), DAY_1.plus(Duration.ofDays(2)));

  final HadoopCatalog catalog;
  final IngestConfig ingestConfig;
  private final FloeWriter writer;

  Fixture(Path dir) {
    this(dir, Settings.empty());
  }

  Fixture(Path dir, Settings settings) {
    this.catalog = TestTables.catalog(dir.resolve("warehouse"));
    this.ingestConfig = IngestConfig.from(settings).withoutDeadLetterDirectory();
    this.writer = writer();
  }

  /** A writer of its own, e.g. for an ingest thread. */
  FloeWriter writer() {
    return FloeWriter.builder(catalog).config(ingestConfig).build();
  }

  Table table() {
    return writer.table();
  }

  IngestResult ingest(String batchId, long firstSeq, int events) {
    return ingest(writer, batchId, firstSeq, events);
  }

  /** {@code events} events of {@code do-<n>}, spread round-robin over {@link #DAYS}. */
  static IngestResult ingest(FloeWriter writer, String batchId, long firstSeq, int events) {
    return writer.ingest(batch(batchId, firstSeq, events));
  }

  static Batch batch(String batchId, long firstSeq, int events) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      long seq = firstSeq + i;
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("do_id", "do-" + (seq % 97));
      event.put("ns", "app");
      event.put("type", "user");
      event.put("key", "user:" + seq);
      // Values that do not compress to nothing, so files have realistic sizes.
      event.put("value", "{\"n\":" + seq + ",\"h\":\"" + Long.toHexString(seq * 0x9E3779B97F4A7C15L) + "\"}");
      event.put("op", seq % 5 == 0 ? "DELETE" : "PUT");
      event.put("timestamp", DAYS.get((int) (seq % DAYS.size())).plusSeconds(seq % 3600).toEpochMilli());
      event.put("seq", seq);
      list.add(event);
    }
    return Batch.ofEvents(batchId, list);
  }

  /** Every row as its list of values, counted: equal maps mean the same rows and values. */
  static Map<List<Object>, Long> rowMultiset(Table table) {
    List<Types.NestedField> columns = table.schema().columns();
    Map<List<Object>, Long> rows = new HashMap<>();
    for (Record record : TestTables.rows(table)) {
      List<Object> values = new ArrayList<>();
      for (Types.NestedField column : columns) {
        values.add(record.getField(column.name()));
      }
      rows.merge(values, 1L, Long::sum);
    }
    return rows;
  }

  /** {@code do_id/seq} of every row, counted. */
  static Map<String, Long> keyMultiset(Table table) {
    Map<String, Long> keys = new HashMap<>();
    for (Record record : TestTables.rows(table)) {
      keys.merge(record.getField("do_id") + "/" + record.getField("seq"), 1L, Long::sum);
    }
    return keys;
  }

  static List<DataFile> liveFiles(Table table) {
    table.refresh();
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> files.add(task.file()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Live data files by partition path. */
  static Map<String, List<DataFile>> liveFilesByPartition(Table table) {
    Map<String, List<DataFile>> byPartition = new TreeMap<>();
    for (DataFile file : liveFiles(table)) {
      byPartition.computeIfAbsent(table.spec().partitionToPath(file.partition()), p -> new ArrayList<>()).add(file);
    }
    return byPartition;
  }

  static List<Path> dataFilesOnDisk(Table table) {
    return TestTables.dataFilesOnDisk(table);
  }

  /** Every regular file under the table location, hidden checksum files left out. */
  static List<Path> allFilesOnDisk(Table table) {
    Path root = Path.of(java.net.URI.create(table.location()));
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path path(String location) {
    return Path.of(java.net.URI.create(location.startsWith("file:/") && !location.startsWith("file:///")
        ? "file://" + location.substring("file:".length()) : location));
  }

  /** A clock {@code ahead} of real time: snapshot times are real, so this ages everything by {@code ahead}. */
  static Clock clockAhead(Duration ahead) {
    return Clock.offset(Clock.systemUTC(), ahead);
  }

  static Clock fixed(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  static MaintenanceConfig config(DataSize target) {
    MaintenanceConfig defaults = MaintenanceConfig.defaults();
    return defaults.withCompaction(defaults.compaction().withTargetFileSize(target).withMinAge(Duration.ZERO));
  }
}
