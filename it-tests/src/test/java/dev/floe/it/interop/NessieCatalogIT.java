package dev.floe.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.it.servers.ListeningSockets;
import dev.floe.it.servers.ServersExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * floe's end-to-end path on a second, independent Iceberg REST catalog: Nessie, keeping its tables
 * on the same s3proxy as the harness's REST fixture. Generated events go in through the command
 * line; Iceberg's generic reader reads them back through Nessie; offering the file again commits
 * nothing, which Nessie's own commit log confirms.
 */
@ExtendWith({ServersExtension.class, NessieExtension.class})
class NessieCatalogIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  @Test
  void floeIngestsEveryEventExactlyOnceIntoATableOnNessie(Nessie nessie) throws IOException {
    String namespace = "nessie_it_" + UUID.randomUUID().toString().replace("-", "");
    String table = namespace + ".events";
    // floe on Nessie's default branch; the reader below names branch main explicitly.
    FloeCommand floe = FloeCommand.on(nessie);
    Path input = floe.generate(dir.resolve("events.ndjson.gz"), 2000, 11, 300);
    List<Event> events = Event.readNdjson(input);
    assertThat(events).hasSize(2000);

    int commitsBefore = nessieCommits(nessie);

    JsonNode first = floe.ingest(table, dir.resolve("dead-letters"), input);

    assertThat(first.get("committed").asBoolean()).isTrue();
    assertThat(first.get("batches_committed").asInt()).isEqualTo(1);
    assertThat(first.get("events_read").asLong()).isEqualTo(2000);
    assertThat(first.get("events_written").asLong()).isEqualTo(2000);
    assertThat(first.get("events_rejected").asLong()).isZero();
    long snapshotId = first.get("snapshot_id").asLong();
    String runId = first.get("run_id").asText();
    int commitsAfterIngest = nessieCommits(nessie);
    // Namespace, table and data each land as a Nessie commit on main.
    assertThat(commitsAfterIngest).isGreaterThan(commitsBefore);

    try (RESTCatalog catalog = new RESTCatalog()) {
      catalog.initialize("nessie-reader", nessie.catalogProperties("main"));
      Table written = catalog.loadTable(TableIdentifier.parse(table));

      assertThat(written.schema().columns())
          .extracting(
              column ->
                  column.name() + " " + column.type() + (column.isRequired() ? " required" : ""))
          .containsExactly(
              "do_id string required",
              "ns string",
              "type string",
              "key string required",
              "value string",
              "op string required",
              "timestamp timestamptz required",
              "seq long required");
      assertThat(written.spec().fields())
          .singleElement()
          .satisfies(
              field -> {
                assertThat(field.transform().toString()).isEqualTo("day");
                assertThat(written.schema().findColumnName(field.sourceId()))
                    .isEqualTo("timestamp");
              });
      assertThat(written.location())
          .startsWith("s3://" + nessie.storage().bucket() + "/nessie/" + namespace + "/");

      assertThat(byId(rows(written))).isEqualTo(byId(events));

      Snapshot snapshot = written.currentSnapshot();
      assertThat(snapshot.snapshotId()).isEqualTo(snapshotId);
      assertThat(written.snapshots()).hasSize(1);
      assertThat(snapshot.summary())
          .containsEntry("floe.run-id", runId)
          .containsEntry("floe.batch-count", "1")
          .containsEntry("added-records", "2000")
          .containsKey("floe.ledger-file");
      assertThat(dataFiles(written))
          .isNotEmpty()
          .allSatisfy(
              file -> assertThat(file.location()).startsWith(written.location() + "/data/"));

      JsonNode again = floe.ingest(table, dir.resolve("dead-letters"), input);

      assertThat(again.get("committed").asBoolean()).isFalse();
      assertThat(again.get("batches_offered").asInt()).isEqualTo(1);
      assertThat(again.get("batches_skipped").asInt()).isEqualTo(1);
      assertThat(again.get("events_written").asLong()).isZero();
      assertThat(again.get("snapshot_id").isNull()).isTrue();
      Table reloaded = catalog.loadTable(TableIdentifier.parse(table));
      assertThat(reloaded.currentSnapshot().snapshotId()).isEqualTo(snapshotId);
      assertThat(reloaded.snapshots()).hasSize(1);
      assertThat(nessieCommits(nessie))
          .as("commits on Nessie's main branch")
          .isEqualTo(commitsAfterIngest);
    }
  }

  @Test
  void nessieListensOnLoopbackOnly(Nessie nessie) throws IOException {
    assumeTrue(ListeningSockets.available(), "no /proc/net/tcp on this platform");

    for (URI server : List.of(nessie.baseUri(), nessie.managementUri())) {
      List<InetAddress> addresses = ListeningSockets.localAddresses(server.getPort());
      assertThat(addresses)
          .as("listening addresses of %s", server)
          .isNotEmpty()
          .allSatisfy(
              address -> assertThat(address.isLoopbackAddress()).as("%s", address).isTrue());
    }
  }

  private static List<Event> rows(Table table) throws IOException {
    List<Event> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> rows.add(Event.fromRecord(record)));
    }
    return rows;
  }

  /** Events by (do_id, seq); fails on a duplicate id, which exactly-once rules out. */
  private static Map<Event.Key, Event> byId(List<Event> events) {
    return events.stream().collect(Collectors.toMap(Event::id, Function.identity()));
  }

  private static List<DataFile> dataFiles(Table table) throws IOException {
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> files.add(task.file()));
    }
    return files;
  }

  /** The number of commits on Nessie's main branch, from Nessie's own API (v2). */
  private static int nessieCommits(Nessie nessie) {
    URI history = nessie.baseUri().resolve("/api/v2/trees/main/history?max-records=1000");
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(history).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET %s: %s", history, response.body()).isEqualTo(200);
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.path("hasMore").asBoolean()).as("more than one page of history").isFalse();
      return body.get("logEntries").size();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + history, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted reading " + history, e);
    }
  }
}
