package dev.floe.it.e2e;

import dev.floe.core.generate.EventGenerator;
import dev.floe.it.servers.Endpoints;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One test's table on the shared REST catalog: a fresh namespace, so tests are independent and
 * also pass against a long-lived external stack; the floe settings and {@code FLOE_*} environment
 * that point floe at it; and an independent Iceberg {@link RESTCatalog} to read it back with.
 * Closing drops the table with its files.
 */
final class RestTarget implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RestTarget.class);

  private final Endpoints endpoints;
  private final TableIdentifier table;
  private RESTCatalog catalog;

  private RestTarget(Endpoints endpoints, TableIdentifier table) {
    this.endpoints = endpoints;
    this.table = table;
  }

  static RestTarget create(Endpoints endpoints, String test) {
    String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return new RestTarget(endpoints, TableIdentifier.of(Namespace.of("e2e_" + test + "_" + unique), "events"));
  }

  Endpoints endpoints() {
    return endpoints;
  }

  /** {@code namespace.events}, as floe's {@code table} setting takes it. */
  String tableName() {
    return table.toString();
  }

  /**
   * The environment a cron job would set: REST catalog, S3 endpoint with path-style addressing,
   * the standard AWS credential variables, and this table. Secrets in clear: only for the
   * in-process CLI, never for a command line or a log.
   */
  Map<String, String> cliEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FLOE_CATALOG_TYPE", "rest");
    env.put("FLOE_CATALOG_URI", endpoints.catalogUri().toString());
    env.put("FLOE_WAREHOUSE", endpoints.warehouse());
    env.put("FLOE_S3_ENDPOINT", endpoints.s3Endpoint().toString());
    env.put("FLOE_S3_PATH_STYLE", "true");
    env.put("FLOE_S3_REGION", endpoints.region());
    env.put("AWS_ACCESS_KEY_ID", endpoints.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", endpoints.secretAccessKey().reveal());
    endpoints.catalogToken().ifPresent(token -> env.put("FLOE_CATALOG_TOKEN", token.reveal()));
    env.put("FLOE_TABLE", tableName());
    return env;
  }

  /** The same as floe settings (keys of the properties file), for a library caller. */
  Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("catalog.type", "rest");
    settings.put("catalog.uri", endpoints.catalogUri().toString());
    settings.put("warehouse", endpoints.warehouse());
    settings.put("s3.endpoint", endpoints.s3Endpoint().toString());
    settings.put("s3.path-style", "true");
    settings.put("s3.region", endpoints.region());
    settings.put("s3.access-key-id", endpoints.accessKeyId());
    settings.put("s3.secret-access-key", endpoints.secretAccessKey().reveal());
    endpoints.catalogToken().ifPresent(token -> settings.put("catalog.token", token.reveal()));
    settings.put("table", tableName());
    return settings;
  }

  /** The table as an independent Iceberg client sees it now. */
  Table load() {
    return catalog().loadTable(table);
  }

  boolean exists() {
    return catalog().tableExists(table);
  }

  private RESTCatalog catalog() {
    if (catalog == null) {
      catalog = new RESTCatalog();
      catalog.initialize("e2e-reader", endpoints.catalogProperties());
    }
    return catalog;
  }

  @Override
  public void close() {
    try {
      if (catalog().tableExists(table)) {
        catalog().dropTable(table, true);
      }
      if (catalog().namespaceExists(table.namespace())) {
        catalog().dropNamespace(table.namespace());
      }
    } catch (RuntimeException e) {
      LOG.warn("Cannot drop {} after the test: {}", table, e.toString());
    }
    try {
      catalog.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot close the reading catalog", e);
    }
  }

  /**
   * {@code count} generated events as NDJSON, gzip-compressed if the name ends in {@code .gz}; the
   * same bytes for the same seed. Plain is quicker on a busy machine (100k events are ~110 MB).
   */
  static Path generate(Path file, long count, long seed) {
    try (OutputStream plain = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        OutputStream out =
            file.toString().endsWith(".gz") ? new GZIPOutputStream(plain, 1 << 16) : plain) {
      new EventGenerator(seed).write(count, out);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    return file;
  }
}
