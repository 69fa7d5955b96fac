package dev.floe.it.cron;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogFactory;
import dev.floe.core.config.Settings;
import dev.floe.it.servers.Endpoints;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * The table the CLI runs write: its name, where their dead letters go, the environment that points
 * a run at both (credentials included, so they never appear on a command line), and an independent
 * Iceberg client to look at the table. Public for the tests of {@code floe serve}.
 */
public record Target(String table, Path deadLetters, Map<String, String> env, Supplier<Catalog> catalog) {
  /** The embedded local catalog (SQLite) in {@code warehouse}. */
  static Target local(Path warehouse, Path deadLetters, String table) {
    Map<String, String> env = new HashMap<>(common(deadLetters, table));
    env.put("FLOE_WAREHOUSE", warehouse.toString());
    Settings settings = Settings.of(Map.of("warehouse", warehouse.toString()), "test");
    return new Target(table, deadLetters, Map.copyOf(env), () -> CatalogFactory.create(CatalogConfig.from(settings)));
  }

  /** The harness's Iceberg REST catalog, with data in its S3 server. */
  public static Target rest(Endpoints endpoints, Path deadLetters, String table) {
    Map<String, String> env = new HashMap<>(common(deadLetters, table));
    env.put("FLOE_CATALOG_TYPE", "rest");
    env.put("FLOE_CATALOG_URI", endpoints.catalogUri().toString());
    env.put("FLOE_WAREHOUSE", endpoints.warehouse());
    env.put("FLOE_S3_ENDPOINT", endpoints.s3Endpoint().toString());
    env.put("FLOE_S3_PROFILE", "minio");
    env.put("FLOE_S3_REGION", endpoints.region());
    env.put("AWS_ACCESS_KEY_ID", endpoints.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", endpoints.secretAccessKey().reveal());
    endpoints.catalogToken().ifPresent(token -> env.put("FLOE_CATALOG_TOKEN", token.reveal()));
    return new Target(table, deadLetters, Map.copyOf(env), () -> {
      RESTCatalog catalog = new RESTCatalog();
      catalog.initialize("floe-it-cron", endpoints.catalogProperties());
      return catalog;
    });
  }

  private static Map<String, String> common(Path deadLetters, String table) {
    return Map.of(
        "FLOE_TABLE", table,
        "FLOE_DEAD_LETTER_DIR", deadLetters.toString(),
        // Producers rename finished files into place, so there is nothing to wait for.
        "FLOE_SOURCE_SETTLE_TIME", "0s");
  }

  /** This target's environment plus {@code more}. */
  Map<String, String> env(Map<String, String> more) {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(more);
    return all;
  }

  FloeProcess.Launcher launcher(Path logs) {
    return new FloeProcess.Launcher(logs, env);
  }

  /** Applies {@code look} to a freshly loaded table; empty when the table does not exist yet. */
  public <T> Optional<T> withTable(Function<Table, T> look) {
    Catalog opened = catalog.get();
    try {
      Table loaded;
      try {
        loaded = opened.loadTable(TableIdentifier.parse(table));
      } catch (NoSuchTableException e) {
        return Optional.empty();
      }
      return Optional.ofNullable(look.apply(loaded));
    } finally {
      if (opened instanceof Closeable closeable) {
        try {
          closeable.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
