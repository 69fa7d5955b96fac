package dev.floe.cli;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogFactory;
import dev.floe.core.config.Settings;
import java.io.Closeable;
import java.io.IOException;
import org.apache.iceberg.catalog.Catalog;

/** A catalog built from settings, closed (connections, thread pools) when the command ends. */
record OpenCatalog(Catalog catalog) implements AutoCloseable {
  static OpenCatalog from(Settings settings) {
    return new OpenCatalog(CatalogFactory.create(CatalogConfig.from(settings)));
  }

  @Override
  public void close() {
    if (catalog instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException e) {
        // Nothing is left to do with the catalog; the command's outcome is already decided.
      }
    }
  }
}
