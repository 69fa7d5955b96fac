package dev.floe.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.it.servers.Endpoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Looks at a table directly (no proxy in the way): which events it holds how many times, whether
 * every file it references exists, and which data files under its location nothing references.
 */
final class TableCheck implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** (do_id, seq): the identity of an event. */
  record Key(String doId, long seq) {}

  /** Events lost (expected, absent) and doubled (present more than once), by count. */
  record Tally(int expected, int rows, int lost, int doubled) {
    @Override
    public String toString() {
      return "events " + expected + ", rows " + rows + ", lost " + lost + ", doubled " + doubled;
    }
  }

  private final Endpoints endpoints;
  private final RESTCatalog catalog;

  TableCheck(Endpoints endpoints) {
    this.endpoints = endpoints;
    this.catalog = new RESTCatalog();
    catalog.initialize("faults-check", endpoints.catalogProperties());
  }

  Table table(String name) {
    return catalog.loadTable(TableIdentifier.parse(name));
  }

  RESTCatalog catalog() {
    return catalog;
  }

  /** How many rows of the table carry each (do_id, seq). */
  Map<Key, Integer> rowCounts(String name) {
    Map<Key, Integer> counts = new HashMap<>();
    Table table = table(name);
    if (table.currentSnapshot() == null) {
      return counts;
    }
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).select("do_id", "seq").build()) {
      for (Record row : rows) {
        counts.merge(new Key((String) row.getField("do_id"), (Long) row.getField("seq")), 1, Integer::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + name, e);
    }
    return counts;
  }

  Tally tally(String name, Collection<Key> expected) {
    if (new HashSet<>(expected).size() != expected.size()) {
      throw new IllegalArgumentException("Invalid test input: events share (do_id, seq); use seeds at least 7 apart");
    }
    Map<Key, Integer> counts = rowCounts(name);
    int lost = 0;
    int doubled = 0;
    for (Key key : expected) {
      int count = counts.getOrDefault(key, 0);
      lost += count == 0 ? 1 : 0;
      doubled += Math.max(0, count - 1);
    }
    int rows = counts.values().stream().mapToInt(Integer::intValue).sum();
    Set<Key> unexpected = new HashSet<>(counts.keySet());
    unexpected.removeAll(expected);
    if (!unexpected.isEmpty()) {
      throw new AssertionError(unexpected.size() + " rows of " + name + " match no input event, e.g. " + unexpected.iterator().next());
    }
    return new Tally(expected.size(), rows, lost, doubled);
  }

  /** Data files the current snapshot references that the store no longer has. */
  List<String> missingDataFiles(String name) {
    Table table = table(name);
    List<String> missing = new ArrayList<>();
    if (table.currentSnapshot() == null) {
      return missing;
    }
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        String location = task.file().location();
        if (!table.io().newInputFile(location).exists()) {
          missing.add(location);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan " + name, e);
    }
    return missing;
  }

  /** Objects under the table's data/ folder that no snapshot of the table references. */
  List<String> unreferencedDataFiles(String name) {
    Table table = table(name);
    Set<String> referenced = new HashSet<>();
    for (Snapshot snapshot : table.snapshots()) {
      snapshot.addedDataFiles(table.io()).forEach(file -> referenced.add(file.location()));
    }
    URI location = URI.create(table.location() + "/data/");
    String bucket = location.getHost();
    String prefix = location.getPath().substring(1);
    List<String> unreferenced = new ArrayList<>();
    try (S3Client s3 = endpoints.newS3Client()) {
      for (S3Object object :
          s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build()).contents()) {
        String path = "s3://" + bucket + "/" + object.key();
        if (!referenced.contains(path)) {
          unreferenced.add(path);
        }
      }
    }
    return unreferenced;
  }

  /** The events of NDJSON files (gzip when named .gz), by identity. */
  static List<Key> eventsOf(Collection<Path> files) {
    List<Key> keys = new ArrayList<>();
    for (Path file : files) {
      try (InputStream raw = Files.newInputStream(file);
          InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
          BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          JsonNode event = JSON.readTree(line);
          keys.add(new Key(event.get("do_id").asText(), event.get("seq").asLong()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read events from " + file, e);
      }
    }
    return keys;
  }

  @Override
  public void close() {
    try {
      catalog.close();
    } catch (IOException e) {
      // nothing left to do with it
    }
  }
}
