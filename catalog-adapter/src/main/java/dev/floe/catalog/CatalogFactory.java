package dev.floe.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.UncheckedSQLException;
import org.apache.iceberg.rest.RESTCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the Iceberg {@link Catalog} a {@link CatalogConfig} describes, with the properties {@link
 * IcebergCatalogProperties} maps it to.
 */
public final class CatalogFactory {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogFactory.class);

  /** The SQLite database file of the local catalog, inside the warehouse directory. */
  public static final String LOCAL_DATABASE = "catalog.db";

  /**
   * Iceberg sets up a new catalog.db with check-then-act steps (create the tables table, create the
   * namespace properties table, add the V1 record-type column). Processes opening a new database at
   * once collide there ("table already exists", "duplicate column name"); the loser of a step finds
   * it done on the next attempt. Three steps, so an opener can lose at most three times.
   */
  private static final int LOCAL_OPEN_ATTEMPTS = 5;

  private CatalogFactory() {}

  /**
   * Opens the catalog: a {@link RESTCatalog} (which contacts the server) or a {@link JdbcCatalog}
   * on {@code <warehouse>/catalog.db} (creating the directory and database if missing). The caller
   * closes it.
   *
   * @throws IllegalArgumentException if the config is inconsistent (see {@link CatalogConfig#from})
   * @throws IllegalStateException if the catalog cannot be opened (server unreachable, refused
   *     credentials, unreadable database); the cause is Iceberg's exception
   * @throws TlsVerificationException if the REST catalog's (or its OAuth2 server's) TLS certificate
   *     fails verification
   */
  public static Catalog create(CatalogConfig config) {
    Map<String, String> properties = IcebergCatalogProperties.of(config);
    return switch (config.type()) {
      case LOCAL -> openLocal(config, properties);
      case REST -> openRest(config, properties);
    };
  }

  private static Catalog openRest(CatalogConfig config, Map<String, String> properties) {
    RESTCatalog catalog = new RESTCatalog();
    try {
      catalog.initialize(config.name(), properties);
    } catch (RuntimeException e) {
      closeQuietly(catalog);
      RuntimeException tls = tlsFailure(config, e);
      if (tls != e) {
        throw tls;
      }
      throw new IllegalStateException(
          "Cannot open REST catalog "
              + config.name()
              + " at "
              + config.uri().orElseThrow()
              + ": "
              + describe(e),
          e);
    }
    LOG.info(
        "Opened REST catalog {} at {} (warehouse {}, auth {}, s3 profile {}, vended credentials"
            + " {}, extra CAs {})",
        config.name(),
        config.uri().orElseThrow(),
        config.warehouse().orElse("<server default>"),
        authKind(config.auth()),
        config.s3().profile(),
        config.vendedCredentials(),
        config.transport().caBundle().map(CaBundle::toString).orElse("none"));
    return catalog;
  }

  /**
   * {@code error} explained if a certificate check failed: opening a REST catalog talks to the
   * catalog, and for client credentials to its OAuth2 server, which may be another host.
   */
  private static RuntimeException tlsFailure(CatalogConfig config, RuntimeException error) {
    String endpoint = config.uri().orElseThrow().toString();
    if (config.auth() instanceof CatalogAuth.ClientCredentials client
        && client.serverUri().isPresent()) {
      endpoint += " (or its OAuth2 server " + client.serverUri().get() + ")";
    }
    return TlsVerificationException.explain(
        error, "REST catalog " + config.name() + " at", endpoint, config.transport());
  }

  private static Catalog openLocal(CatalogConfig config, Map<String, String> properties) {
    Path warehouse = config.localWarehouse();
    try {
      Files.createDirectories(warehouse);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create warehouse directory " + warehouse + ": " + e.getMessage(), e);
    }
    Configuration conf = localHadoopConf();
    UncheckedSQLException failure = null;
    for (int attempt = 1; attempt <= LOCAL_OPEN_ATTEMPTS; attempt++) {
      JdbcCatalog catalog = new JdbcCatalog();
      catalog.setConf(conf);
      try {
        catalog.initialize(config.name(), properties);
        LOG.info(
            "Opened local catalog {} in {} (database {})",
            config.name(),
            warehouse,
            warehouse.resolve(LOCAL_DATABASE));
        return catalog;
      } catch (UncheckedSQLException e) {
        failure = e;
        closeQuietly(catalog);
        LOG.debug("Attempt {} to open local catalog {} failed", attempt, warehouse, e);
      }
    }
    throw new IllegalStateException(
        "Cannot open local catalog "
            + config.name()
            + " in "
            + warehouse.resolve(LOCAL_DATABASE)
            + ": "
            + describe(failure),
        failure);
  }

  /**
   * Hadoop configuration for the local warehouse. Hadoop's default {@code file:} file system writes
   * a {@code .crc} file beside every file, which in a warehouse is clutter that an orphan-file
   * sweep would see; the raw local file system writes only the file. The JVM-wide FileSystem cache
   * ignores the configuration, so it is bypassed to make sure this choice takes effect.
   */
  static Configuration localHadoopConf() {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", RawLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  /**
   * Iceberg's message plus the root cause's, which is usually the informative one ("Error occurred
   * while processing GET request" is explained by "Connection refused").
   */
  private static String describe(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(error.getMessage());
    if (root == error || root.getMessage() == null || message.contains(root.getMessage())) {
      return message;
    }
    return message + " (" + root.getMessage() + ")";
  }

  private static String authKind(CatalogAuth auth) {
    if (auth instanceof CatalogAuth.BearerToken) {
      return "bearer token";
    }
    if (auth instanceof CatalogAuth.ClientCredentials client) {
      return "oauth2 client " + client.clientId();
    }
    return "none";
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.debug("Ignoring failure to close {}", closeable.getClass().getSimpleName(), e);
    }
  }
}
