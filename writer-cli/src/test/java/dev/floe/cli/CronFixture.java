package dev.floe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogFactory;
import dev.floe.core.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;

/** A cron setup in a temp directory: an embedded warehouse, a spool folder, dead letters. */
final class CronFixture {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long T = 1_762_000_000_000L;
  static final String TABLE = "cron.events";

  final Path dir;
  final Path warehouse;
  final Path spool;
  final Path deadLetters;
  final CliRunner cli = new CliRunner(Map.of());

  CronFixture(Path dir) {
    this.dir = dir;
    this.warehouse = dir.resolve("wh");
    this.spool = dir.resolve("spool");
    this.deadLetters = dir.resolve("dead");
    try {
      Files.createDirectories(spool);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String event(String doId, long seq) {
    return "{\"do_id\":\"" + doId + "\",\"ns\":\"app\",\"type\":\"user\",\"key\":\"k" + seq
        + "\",\"value\":\"{}\",\"op\":\"PUT\",\"timestamp\":" + (T + seq) + ",\"seq\":" + seq + "}";
  }

  /** {@code count} events of {@code doId} from {@code firstSeq}, as NDJSON lines. */
  static List<String> events(String doId, long firstSeq, int count) {
    List<String> lines = new ArrayList<>();
    for (long seq = firstSeq; seq < firstSeq + count; seq++) {
      lines.add(event(doId, seq));
    }
    return lines;
  }

  /** A finished batch file in the spool. */
  Path drop(String name, List<String> lines) {
    try {
      return Files.writeString(spool.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code ingest} on this fixture's warehouse and table, with {@code args} after it. */
  CliRunner.Result ingest(String... args) {
    List<String> all = new ArrayList<>(List.of("ingest", "--warehouse", warehouse.toString(), "--table", TABLE,
        "--dead-letter-dir", deadLetters.toString(), "-D", "source.settle-time=0s"));
    all.addAll(Arrays.asList(args));
    return cli.run(all.toArray(String[]::new));
  }

  /** {@code ingest --json --spool <spool>} with {@code args} before the spool. */
  CliRunner.Result ingestSpool(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--json", "--spool", spool.toString()));
    return ingest(all.toArray(String[]::new));
  }

  static JsonNode json(CliRunner.Result result) {
    try {
      return MAPPER.readTree(result.out());
    } catch (IOException e) {
      throw new AssertionError("Not one JSON line: " + result.out() + "\nstderr: " + result.err(), e);
    }
  }

  /** Names in a folder of the spool ("" for the spool itself), regular files only. */
  List<String> files(String folder) {
    Path path = folder.isEmpty() ? spool : spool.resolve(folder);
    if (!Files.isDirectory(path)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(path)) {
      return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> deadLetterFiles() {
    if (!Files.isDirectory(deadLetters)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(deadLetters)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean tableExists() {
    if (!Files.exists(warehouse.resolve("catalog.db"))) {
      return false;
    }
    try (JdbcCatalog catalog = catalog()) {
      return catalog.tableExists(TableIdentifier.parse(TABLE));
    }
  }

  /** The table's rows as {@code do_id/seq}, in any order, duplicates kept. */
  List<String> rows() {
    try (JdbcCatalog catalog = catalog()) {
      Table table = catalog.loadTable(TableIdentifier.parse(TABLE));
      List<String> keys = new ArrayList<>();
      try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
        records.forEach(r -> keys.add(r.getField("do_id") + "/" + r.getField("seq")));
      }
      return keys;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JdbcCatalog catalog() {
    return (JdbcCatalog) CatalogFactory.create(CatalogConfig.from(Settings.of(Map.of("warehouse", warehouse.toString()), "test")));
  }
}
