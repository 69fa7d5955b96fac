package dev.floe.core;

import dev.floe.core.schema.EventSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;

/** A temp-directory warehouse (Iceberg's HadoopCatalog on the local file system) for I/O tests. */
public final class TestTables {
  public static final TableIdentifier EVENTS = TableIdentifier.of("do_state", "changes");

  private TestTables() {}

  public static HadoopCatalog catalog(Path warehouse) {
    return catalog(warehouse, java.util.Map.of());
  }

  /** The same, with more catalog properties (e.g. {@code io-impl}). */
  public static HadoopCatalog catalog(Path warehouse, java.util.Map<String, String> properties) {
    java.util.Map<String, String> all = new java.util.HashMap<>(properties);
    all.put("warehouse", warehouse.toUri().toString());
    HadoopCatalog catalog = new HadoopCatalog();
    catalog.setConf(new Configuration());
    catalog.initialize("test", all);
    return catalog;
  }

  public static Record event(String doId, long seq, Instant timestamp) {
    GenericRecord record = GenericRecord.create(EventSchemas.defaultSchema());
    record.setField("do_id", doId);
    record.setField("ns", "app");
    record.setField("type", "user");
    record.setField("key", "user:" + seq);
    record.setField("value", "{\"n\":" + seq + "}");
    record.setField("op", "PUT");
    record.setField("timestamp", OffsetDateTime.ofInstant(timestamp, ZoneOffset.UTC));
    record.setField("seq", seq);
    return record;
  }

  public static String ndjson(String doId, long seq, Instant timestamp) {
    return String.format(
        "{\"do_id\":\"%s\",\"ns\":\"app\",\"type\":\"user\",\"key\":\"user:%d\",\"value\":\"{\\\"n\\\":%d}\",\"op\":\"PUT\",\"timestamp\":%d,\"seq\":%d}",
        doId, seq, seq, timestamp.toEpochMilli(), seq);
  }

  public static List<Record> rows(Table table) {
    table.refresh();
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> rows.add(record.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** Every Parquet file under the table's data directory, committed or not. */
  public static List<Path> dataFilesOnDisk(Table table) {
    Path data = Path.of(java.net.URI.create(table.location() + "/data"));
    if (!Files.exists(data)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(data)) {
      return files.filter(path -> path.toString().endsWith(".parquet")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
