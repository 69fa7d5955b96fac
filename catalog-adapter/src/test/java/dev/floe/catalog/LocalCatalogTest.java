package dev.floe.catalog;

import static dev.floe.catalog.CatalogConfigTest.settings;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded catalog end to end, on a real SQLite file and the local file system. */
class LocalCatalogTest {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "do_id", Types.StringType.get()),
          Types.NestedField.required(2, "ts", Types.TimestampType.withZone()));

  @TempDir Path dir;
  private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();
  private ExecutorService executor;

  @AfterEach
  void close() throws Exception {
    if (executor != null) {
      executor.shutdownNow();
    }
    for (AutoCloseable closeable : opened) {
      closeable.close();
    }
  }

  private Catalog open(Path warehouse) {
    Catalog catalog =
        CatalogFactory.create(CatalogConfig.from(settings("warehouse", warehouse.toString())));
    opened.add((AutoCloseable) catalog);
    return catalog;
  }

  @Test
  void createsTableThatAnyJdbcCatalogClientOpens() {
    Path warehouse = dir.resolve("new/wh");
    Catalog catalog = open(warehouse);
    ((SupportsNamespaces) catalog).createNamespace(Namespace.of("events"));
    Table created = catalog.createTable(TableIdentifier.of("events", "changes"), SCHEMA);
    created.newAppend().commit();

    assertThat(warehouse.resolve("catalog.db")).isRegularFile();
    assertThat(created.location()).isEqualTo("file:" + warehouse + "/events/changes");
    assertThat(created.currentSnapshot().manifestListLocation())
        .startsWith("file:" + warehouse + "/events/changes/metadata/");

    // A client that knows only Iceberg's JDBC catalog: default schema version, no floe settings.
    JdbcCatalog other = new JdbcCatalog();
    other.setConf(new Configuration());
    other.initialize(
        "floe",
        Map.of(
            "uri",
            "jdbc:sqlite:" + warehouse.resolve("catalog.db"),
            "warehouse",
            warehouse.toString()));
    opened.add(other);

    assertThat(other.listTables(Namespace.of("events")))
        .containsExactly(TableIdentifier.of("events", "changes"));
    Table seen = other.loadTable(TableIdentifier.of("events", "changes"));
    assertThat(seen.schema().asStruct()).isEqualTo(created.schema().asStruct());
    assertThat(seen.currentSnapshot().snapshotId())
        .isEqualTo(created.currentSnapshot().snapshotId());
  }

  @Test
  void writesOnlyPlainFilesToTheWarehouse() throws IOException {
    Catalog catalog = open(dir);
    ((SupportsNamespaces) catalog).createNamespace(Namespace.of("events"));
    catalog.createTable(TableIdentifier.of("events", "changes"), SCHEMA).newAppend().commit();

    try (Stream<Path> files = Files.walk(dir.resolve("events"))) {
      List<String> names =
          files.filter(Files::isRegularFile).map(file -> file.getFileName().toString()).toList();
      assertThat(names).isNotEmpty().noneMatch(name -> name.endsWith(".crc"));
    }
  }

  @Test
  void reopensExistingCatalog() {
    Catalog first = open(dir);
    ((SupportsNamespaces) first).createNamespace(Namespace.of("events"));
    first.createTable(TableIdentifier.of("events", "changes"), SCHEMA);

    Catalog second = open(dir);

    assertThat(second.tableExists(TableIdentifier.of("events", "changes"))).isTrue();
  }

  @Test
  void twoCatalogsOnOneDatabaseCommitConcurrently() throws Exception {
    Catalog setup = open(dir);
    ((SupportsNamespaces) setup).createNamespace(Namespace.of("events"));
    List<Catalog> catalogs = List.of(open(dir), open(dir));
    int tablesPerCatalog = 15;
    executor = Executors.newFixedThreadPool(catalogs.size() * 2);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int c = 0; c < catalogs.size(); c++) {
      for (int worker = 0; worker < 2; worker++) {
        Catalog catalog = catalogs.get(c);
        String prefix = "c" + c + "_w" + worker + "_";
        results.add(
            executor.submit(
                () -> {
                  start.await();
                  for (int t = 0; t < tablesPerCatalog; t++) {
                    Table table =
                        catalog.createTable(TableIdentifier.of("events", prefix + t), SCHEMA);
                    table.newAppend().commit();
                    table.newAppend().commit();
                  }
                  return tablesPerCatalog;
                }));
      }
    }

    start.countDown();
    int created = 0;
    for (Future<Integer> result : results) {
      created += result.get(2, TimeUnit.MINUTES);
    }

    assertThat(setup.listTables(Namespace.of("events"))).hasSize(created);
  }

  @Test
  void simultaneousFirstOpensOfANewDatabaseAllSucceed() throws Exception {
    // Iceberg creates its catalog tables with check-then-create; openers racing on a fresh file
    // collide there, and CatalogFactory must absorb that.
    executor = Executors.newFixedThreadPool(4);
    for (int round = 0; round < 5; round++) {
      Path warehouse = dir.resolve("round" + round);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Catalog>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Callable<Catalog> opener =
            () -> {
              start.await();
              return open(warehouse);
            };
        results.add(executor.submit(opener));
      }
      start.countDown();
      for (Future<Catalog> result : results) {
        assertThat(((SupportsNamespaces) result.get(1, TimeUnit.MINUTES)).listNamespaces())
            .isEmpty();
      }
    }
  }
}
