package dev.floe.server;

import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/** A temp-directory warehouse, writers on it, and an HTTP client for {@link FloeServer} tests. */
final class ServeFixture {
  static final TableIdentifier TABLE = TableIdentifier.of("do_state", "changes");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Path root;
  final HadoopCatalog catalog;
  /** While set, every commit to the table fails as a conflict that outlasted its retries. */
  final AtomicBoolean commitsFail = new AtomicBoolean();

  ServeFixture(Path root) {
    this.root = root;
    this.catalog = new HadoopCatalog();
    catalog.setConf(new Configuration());
    catalog.initialize("test", Map.of("warehouse", root.resolve("warehouse").toUri().toString()));
    // Created here, so that the writers load it through the catalog that can fail commits.
    FloeWriter.builder(catalog).config(ingestConfig()).build().table();
  }

  private IngestConfig ingestConfig() {
    Map<String, String> values = new HashMap<>();
    values.put(IngestConfig.DEAD_LETTER_DIR, root.resolve("dead-letters").toString());
    values.put(IngestConfig.COMMIT_MAX_ATTEMPTS, "1");
    return IngestConfig.from(Settings.of(values, "test"));
  }

  /** Rolls quickly: after 100 ms without requests, or 1 s after the first; warms up with 1,000 events, not 100,000. */
  ServeConfig config(String spool, Map<String, String> more) {
    Map<String, String> values = new HashMap<>(Map.of(
        ServeConfig.PORT, "0",
        ServeConfig.SPOOL_DIR, root.resolve(spool).toString(),
        ServeConfig.ROLL_INACTIVITY, "100ms",
        ServeConfig.ROLL_INTERVAL, "1s",
        ServeConfig.WARMUP_EVENTS, "1000"));
    values.putAll(more);
    return ServeConfig.from(Settings.of(values, "test"));
  }

  FloeWriter writer() {
    return FloeWriter.builder(new FailingCommits(catalog, commitsFail)).config(ingestConfig()).build();
  }

  FloeServer start(String spool) {
    return start(spool, Map.of());
  }

  FloeServer start(String spool, Map<String, String> more) {
    return FloeServer.builder(config(spool, more)).stream("events", writer(), false).start();
  }

  static HttpResponse<String> post(FloeServer server, String path, byte[] body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> postJson(FloeServer server, String body, String... headers) {
    List<String> all = new ArrayList<>(List.of("Content-Type", "application/json"));
    all.addAll(List.of(headers));
    return post(server, "/", body.getBytes(StandardCharsets.UTF_8), all.toArray(String[]::new));
  }

  static HttpResponse<String> get(FloeServer server, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A JSON array of {@code count} valid events of object {@code doId}, seq from {@code firstSeq}. */
  static String events(String doId, long firstSeq, int count) {
    StringBuilder json = new StringBuilder("[");
    long now = Instant.now().toEpochMilli();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append(String.format("{\"do_id\":\"%s\",\"key\":\"k%d\",\"value\":\"{\\\"n\\\":%d}\",\"op\":\"PUT\","
          + "\"timestamp\":%d,\"seq\":%d}", doId, firstSeq + i, i, now, firstSeq + i));
    }
    return json.append(']').toString();
  }

  static byte[] gzip(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code do_id:seq} of every row in the table. */
  List<String> rows() {
    if (!catalog.tableExists(TABLE)) {
      return List.of();
    }
    Table table = catalog.loadTable(TABLE);
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> rows.add(record.getField("do_id") + ":" + record.getField("seq")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  static Instant soon() {
    return Instant.now().plusSeconds(30);
  }

  /** The catalog, with a switch that makes every commit of a loaded table fail. */
  private static final class FailingCommits implements Catalog {
    private final HadoopCatalog delegate;
    private final AtomicBoolean fail;

    FailingCommits(HadoopCatalog delegate, AtomicBoolean fail) {
      this.delegate = delegate;
      this.fail = fail;
    }

    @Override
    public List<TableIdentifier> listTables(org.apache.iceberg.catalog.Namespace namespace) {
      return delegate.listTables(namespace);
    }

    @Override
    public boolean dropTable(TableIdentifier identifier, boolean purge) {
      return delegate.dropTable(identifier, purge);
    }

    @Override
    public void renameTable(TableIdentifier from, TableIdentifier to) {
      delegate.renameTable(from, to);
    }

    @Override
    public Table loadTable(TableIdentifier identifier) {
      BaseTable table = (BaseTable) delegate.loadTable(identifier);
      return new BaseTable(new Ops(table.operations()), table.name());
    }

    @Override
    public TableBuilder buildTable(TableIdentifier identifier, org.apache.iceberg.Schema schema) {
      return delegate.buildTable(identifier, schema);
    }

    @Override
    public Table createTable(TableIdentifier identifier, org.apache.iceberg.Schema schema,
        org.apache.iceberg.PartitionSpec spec, String location, Map<String, String> properties) {
      delegate.createTable(identifier, schema, spec, location, properties);
      return loadTable(identifier);
    }

    @Override
    public Table createTable(TableIdentifier identifier, org.apache.iceberg.Schema schema,
        org.apache.iceberg.PartitionSpec spec, Map<String, String> properties) {
      delegate.createTable(identifier, schema, spec, properties);
      return loadTable(identifier);
    }

    @Override
    public boolean tableExists(TableIdentifier identifier) {
      return delegate.tableExists(identifier);
    }

    @Override
    public String name() {
      return delegate.name();
    }

    private final class Ops implements TableOperations {
      private final TableOperations ops;

      Ops(TableOperations ops) {
        this.ops = ops;
      }

      @Override
      public TableMetadata current() {
        return ops.current();
      }

      @Override
      public TableMetadata refresh() {
        return ops.refresh();
      }

      @Override
      public void commit(TableMetadata base, TableMetadata metadata) {
        if (fail.get()) {
          throw new CommitFailedException("Cannot commit: injected conflict");
        }
        ops.commit(base, metadata);
      }

      @Override
      public FileIO io() {
        return ops.io();
      }

      @Override
      public EncryptionManager encryption() {
        return ops.encryption();
      }

      @Override
      public String metadataFileLocation(String fileName) {
        return ops.metadataFileLocation(fileName);
      }

      @Override
      public LocationProvider locationProvider() {
        return ops.locationProvider();
      }

      @Override
      public long newSnapshotId() {
        return ops.newSnapshotId();
      }
    }
  }
}
