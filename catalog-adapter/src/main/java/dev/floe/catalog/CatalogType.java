package dev.floe.catalog;

import dev.floe.core.config.InvalidConfigException;
import java.util.Locale;

/** Which catalog floe commits to: the embedded zero-setup one, or any Iceberg REST server. */
public enum CatalogType {
  /** Iceberg's JDBC catalog on a SQLite file inside a local warehouse directory. */
  LOCAL,
  /**
   * An Iceberg REST catalog (R2 Data Catalog, Polaris, Nessie, Lakekeeper, ...) over S3 storage.
   */
  REST;

  static CatalogType parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "local" -> LOCAL;
      case "rest" -> REST;
      default -> throw new InvalidConfigException("expected local or rest");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
