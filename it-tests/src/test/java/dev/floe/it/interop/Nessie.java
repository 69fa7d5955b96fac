package dev.floe.it.interop;

import dev.floe.it.servers.Endpoints;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.rest.auth.OAuth2Properties;

/**
 * A Nessie server's Iceberg REST catalog, keeping its tables on the harness's S3 API.
 *
 * @param baseUri the server, e.g. {@code http://127.0.0.1:PORT}
 * @param managementUri Quarkus's management interface (health, metrics)
 * @param warehouse the warehouse name Nessie knows, whose location is on {@code storage}
 * @param storage the S3 API Nessie and its clients read and write table files on
 */
record Nessie(URI baseUri, URI managementUri, String warehouse, Endpoints storage) {
  Nessie {
    Objects.requireNonNull(baseUri, "baseUri");
    Objects.requireNonNull(managementUri, "managementUri");
    Objects.requireNonNull(warehouse, "warehouse");
    Objects.requireNonNull(storage, "storage");
  }

  /** The Iceberg REST catalog URI on Nessie's default branch. */
  URI icebergUri() {
    return baseUri.resolve("/iceberg");
  }

  /** The Iceberg REST catalog URI on one branch, e.g. {@code main}. */
  URI icebergUri(String branch) {
    return baseUri.resolve("/iceberg/" + branch);
  }

  /**
   * Properties for a {@code RESTCatalog} on {@code branch}, with S3FileIO on {@link #storage()}.
   * The map holds the S3 secret key in clear: hand it to the catalog, never print it.
   */
  Map<String, String> catalogProperties(String branch) {
    Map<String, String> properties = new LinkedHashMap<>(storage.catalogProperties());
    // The storage's catalog token is the harness catalog's; this Nessie asks for none.
    properties.remove(OAuth2Properties.TOKEN);
    properties.put(CatalogProperties.URI, icebergUri(branch).toString());
    properties.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
    return properties;
  }
}
