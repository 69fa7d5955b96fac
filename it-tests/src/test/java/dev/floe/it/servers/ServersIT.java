package dev.floe.it.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The harness itself: a real Iceberg 1.12 client round trip through both servers. */
@ExtendWith(ServersExtension.class)
class ServersIT {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "name", Types.StringType.get()));

  @Test
  void appendedParquetFileReadsBackThroughRestCatalogAndS3(Endpoints endpoints) throws IOException {
    // Unique per run, so the test also runs against a long-lived external stack.
    Namespace namespace =
        Namespace.of("servers_it_" + UUID.randomUUID().toString().replace("-", ""));
    TableIdentifier identifier = TableIdentifier.of(namespace, "events");

    try (RESTCatalog catalog = new RESTCatalog()) {
      catalog.initialize("floe-it", endpoints.catalogProperties());
      // Map.of(...) would NPE in Iceberg 1.12's CreateNamespaceRequest: pass a HashMap.
      catalog.createNamespace(namespace, new HashMap<>());
      Table table = catalog.createTable(identifier, SCHEMA, PartitionSpec.unpartitioned());

      DataFile dataFile = writeParquet(table, List.of(record(1L, "alpha"), record(2L, null)));
      table.newAppend().appendFile(dataFile).commit();

      Table reloaded = catalog.loadTable(identifier);
      List<Record> rows = new ArrayList<>();
      try (CloseableIterable<Record> records = IcebergGenerics.read(reloaded).build()) {
        records.forEach(rows::add);
      }
      assertThat(rows)
          .extracting(row -> row.getField("id"), row -> row.getField("name"))
          .containsExactlyInAnyOrder(tuple(1L, "alpha"), tuple(2L, null));
      assertThat(reloaded.currentSnapshot().summary()).containsEntry("added-records", "2");

      URI location = URI.create(dataFile.location());
      assertThat(location.getScheme()).isEqualTo("s3");
      assertThat(location.getHost()).isEqualTo(endpoints.bucket());
      String key = location.getPath().substring(1);
      try (S3Client s3 = endpoints.newS3Client()) {
        List<S3Object> objects =
            s3.listObjectsV2(request -> request.bucket(endpoints.bucket()).prefix(key)).contents();
        assertThat(objects)
            .singleElement()
            .satisfies(
                object -> {
                  assertThat(object.key()).isEqualTo(key);
                  assertThat(object.size()).isEqualTo(dataFile.fileSizeInBytes());
                });
      }

      catalog.dropTable(identifier, true);
      catalog.dropNamespace(namespace);
    }
  }

  @Test
  void serversListenOnLoopbackOnly(Endpoints endpoints) throws IOException {
    assumeTrue(endpoints.startedByHarness(), "external servers: their binding is not ours");
    assumeTrue(ListeningSockets.available(), "no /proc/net/tcp on this platform");

    List<URI> servers = new ArrayList<>(List.of(endpoints.s3Endpoint(), endpoints.catalogUri()));
    endpoints.s3Tls().ifPresent(tls -> servers.add(tls.endpoint()));
    for (URI server : servers) {
      List<InetAddress> addresses = ListeningSockets.localAddresses(server.getPort());
      assertThat(addresses)
          .as("listening addresses of %s", server)
          .isNotEmpty()
          .allSatisfy(
              address -> assertThat(address.isLoopbackAddress()).as("%s", address).isTrue());
    }
  }

  private static Record record(long id, String name) {
    GenericRecord record = GenericRecord.create(SCHEMA);
    record.setField("id", id);
    record.setField("name", name);
    return record;
  }

  private static DataFile writeParquet(Table table, List<Record> records) throws IOException {
    String path =
        table.locationProvider().newDataLocation("servers-it-" + UUID.randomUUID() + ".parquet");
    DataWriter<Record> writer =
        Parquet.writeData(table.io().newOutputFile(path))
            .forTable(table)
            .createWriterFunc(GenericParquetWriter::create)
            .withSpec(table.spec())
            .build();
    try (writer) {
      records.forEach(writer::write);
    }
    return writer.toDataFile();
  }
}
