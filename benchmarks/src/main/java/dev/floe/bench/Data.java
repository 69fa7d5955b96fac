package dev.floe.bench;

import dev.floe.core.IngestConfig;
import dev.floe.core.config.Settings;
import dev.floe.core.generate.EventGenerator;
import dev.floe.core.table.TableBootstrap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;

/** The benchmarks' input: generated ~1 KB events, and a table in a temp warehouse to write. */
final class Data {
  /** Events per benchmark operation batch; results are per event (OperationsPerInvocation). */
  static final int EVENTS = 20_000;

  private Data() {}

  /** {@link #EVENTS} NDJSON events of one day, as {@code floe generate} writes them. */
  static byte[] ndjson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(EVENTS * 1200);
    new EventGenerator(42, 1000, EventGenerator.DEFAULT_START, Duration.ofHours(20), 0.03, 1000).write(EVENTS, out);
    return out.toByteArray();
  }

  static IngestConfig config() {
    return IngestConfig.from(Settings.empty());
  }

  static Table table(Path warehouse, String name) {
    HadoopCatalog catalog = new HadoopCatalog();
    catalog.setConf(new Configuration());
    catalog.initialize("bench", Map.of("warehouse", warehouse.toUri().toString()));
    return TableBootstrap.loadOrCreate(catalog, TableIdentifier.of("bench", name), config().definition());
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("floe-jmh-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
