package dev.floe.bench;

import dev.floe.core.IngestConfig;
import dev.floe.core.config.Settings;
import dev.floe.core.generate.EventGenerator;
import dev.floe.core.table.TableBootstrap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
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

  /**
   * A stream with nested types, for the Jackson path: a struct holding a list of structs, a json
   * field, a timestamp in microseconds, decimals and binary.
   */
  static final String NESTED_DEFINITION =
      "{\"name\": \"orders\", \"format\": {\"type\": \"json\", \"timestamp_format\": \"unix_millis\"},"
          + " \"schema\": {\"fields\": ["
          + "{\"name\": \"id\", \"type\": \"string\", \"required\": true},"
          + "{\"name\": \"ts\", \"type\": \"timestamp\", \"required\": true, \"unit\": \"microsecond\"},"
          + "{\"name\": \"amount\", \"type\": \"decimal128\", \"precision\": 12, \"scale\": 2},"
          + "{\"name\": \"payload\", \"type\": \"binary\"},"
          + "{\"name\": \"meta\", \"type\": \"json\"},"
          + "{\"name\": \"order\", \"type\": \"struct\", \"fields\": ["
          + "  {\"name\": \"customer\", \"type\": \"string\"},"
          + "  {\"name\": \"lines\", \"type\": \"list\", \"element\": {\"type\": \"struct\", \"fields\": ["
          + "    {\"name\": \"sku\", \"type\": \"string\", \"required\": true},"
          + "    {\"name\": \"qty\", \"type\": \"int32\"},"
          + "    {\"name\": \"price\", \"type\": \"decimal128\", \"precision\": 10, \"scale\": 2}]}}]}"
          + "]}}";

  /** {@link #EVENTS} NDJSON events of {@link #NESTED_DEFINITION}, each with 4 to 8 order lines. */
  static byte[] nestedNdjson() {
    Random random = new Random(42);
    StringBuilder text = new StringBuilder(EVENTS * 900);
    byte[] payload = new byte[96];
    long micros = 1_767_139_201_000_000L;
    for (int i = 0; i < EVENTS; i++) {
      random.nextBytes(payload);
      text.append("{\"id\":\"order-").append(i)
          .append("\",\"ts\":").append(micros + i * 1_000L + random.nextInt(1000))
          .append(",\"amount\":\"").append(random.nextInt(1_000_000)).append('.').append(10 + random.nextInt(90))
          .append("\",\"payload\":\"").append(Base64.getEncoder().encodeToString(payload))
          .append("\",\"meta\":{\"source\":\"web\",\"campaign\":\"c-").append(random.nextInt(50))
          .append("\",\"tags\":[\"a\",\"b\"],\"score\":0.").append(random.nextInt(1000))
          .append("},\"order\":{\"customer\":\"cust-").append(random.nextInt(10_000)).append("\",\"lines\":[");
      int lines = 4 + random.nextInt(5);
      for (int line = 0; line < lines; line++) {
        text.append(line == 0 ? "" : ",")
            .append("{\"sku\":\"SKU-").append(random.nextInt(100_000))
            .append("\",\"qty\":").append(1 + random.nextInt(9))
            .append(",\"price\":").append(random.nextInt(10_000)).append('.').append(10 + random.nextInt(90))
            .append('}');
      }
      text.append("]}}\n");
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
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
