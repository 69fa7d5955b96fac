package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.schema.EventSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanSweepTest {
  private static final Instant NOW = Instant.now();

  @TempDir Path dir;
  private Fixture fixture;
  private Table table;
  private final Clock clock = Fixture.fixed(NOW);

  @BeforeEach
  void setUp() {
    fixture = new Fixture(dir);
    for (int i = 0; i < 3; i++) {
      fixture.ingest("batch-" + i, i * 30L, 30);
    }
    table = fixture.table();
  }

  private TableMaintenance maintenance() {
    return TableMaintenance.builder(table).config(MaintenanceConfig.defaults()).clock(clock).build();
  }

  private static Path age(Path file, Duration age) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(NOW.minus(age)));
    return file;
  }

  @Test
  void deletesUnreferencedFilesOlderThanTheSafetyAgeAndNothingElse() throws IOException {
    // Every file the table references is old: age alone must not make a file an orphan.
    for (Path file : Fixture.allFilesOnDisk(table)) {
      age(file, Duration.ofDays(30));
    }
    Path data = Fixture.path(Fixture.liveFiles(table).get(0).location()).getParent();
    Path old = age(Files.writeString(data.resolve("dead-run.parquet"), "old"), Duration.ofDays(4));
    Path oldElsewhere = Files.createDirectories(Path.of(java.net.URI.create(table.location())).resolve("data/stray"));
    Path nested = age(Files.writeString(oldElsewhere.resolve("nested.bin"), "old too"), Duration.ofDays(10));
    Path young = age(Files.writeString(data.resolve("uncommitted.parquet"), "young"), Duration.ofDays(2));
    List<Path> referenced = Fixture.allFilesOnDisk(table).stream().filter(p -> !List.of(old, nested, young).contains(p)).toList();

    OrphanResult preview = maintenance().findOrphans();

    assertThat(preview.dryRun()).isTrue();
    assertThat(preview.orphans()).containsExactlyInAnyOrder(location(old), location(nested));
    assertThat(preview.orphansDeleted()).isZero();
    assertThat(old).exists();

    OrphanResult result = maintenance().removeOrphans();

    assertThat(result.orphans()).containsExactlyInAnyOrder(location(old), location(nested));
    assertThat(result.orphanBytes()).isEqualTo(3 + 7);
    assertThat(result.orphansDeleted()).isEqualTo(2);
    assertThat(result.tooYoung()).isEqualTo(1);
    assertThat(result.filesReferenced()).isEqualTo(referenced.size());
    assertThat(result.filesListed()).isEqualTo(referenced.size() + 3);
    assertThat(old).doesNotExist();
    assertThat(nested).doesNotExist();
    assertThat(young).exists();
    assertThat(referenced).allSatisfy(file -> assertThat(file).exists());
    assertThat(Fixture.rowMultiset(table).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(90);
  }

  @Test
  void metadataVersionsThatLeftTheMetadataLogAreOrphans() throws IOException {
    table.updateProperties()
        .set(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "false")
        .set(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "2")
        .commit();
    for (int i = 3; i < 6; i++) {
      fixture.ingest("batch-" + i, i * 30L, 30);
    }
    for (Path file : Fixture.allFilesOnDisk(table)) {
      age(file, Duration.ofDays(30));
    }
    table.refresh();
    List<String> kept = ((HasTableOperations) table).operations().current().previousFiles().stream().map(e -> e.file()).toList();
    assertThat(kept).hasSize(2);

    OrphanResult result = maintenance().removeOrphans();

    List<Path> metadata = Fixture.allFilesOnDisk(table).stream().filter(p -> p.toString().endsWith(".metadata.json")).toList();
    assertThat(metadata).hasSize(3); // the current version and the two in its log
    assertThat(result.orphans()).isNotEmpty().allSatisfy(orphan -> assertThat(orphan).endsWith(".metadata.json"));
    assertThat(TableMaintenance.builder(fixture.catalog).config(MaintenanceConfig.defaults()).build().table().currentSnapshot())
        .isNotNull();
  }

  @Test
  void refusesATableWhoseFileIoCannotListALocation() {
    InMemoryCatalog catalog = new InMemoryCatalog();
    catalog.initialize("memory", Map.of());
    catalog.createNamespace(Namespace.of("ns"), new HashMap<>());
    Table inMemory = catalog.createTable(TableIdentifier.of("ns", "t"), EventSchemas.defaultSchema());

    assertThatThrownBy(() -> TableMaintenance.builder(inMemory).build().findOrphans())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "Cannot remove orphan files of memory.ns.t: its FileIO org.apache.iceberg.inmemory.InMemoryFileIO cannot list"
                + " a location (it does not implement SupportsPrefixOperations); S3FileIO and HadoopFileIO can");
  }

  /** How HadoopFileIO's listing spells a local file. */
  private static String location(Path file) {
    return "file:" + file.toAbsolutePath();
  }

}
