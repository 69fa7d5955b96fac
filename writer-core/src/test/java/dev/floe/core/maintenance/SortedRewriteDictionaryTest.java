package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.write.WriteOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sorted rewrite writes without a dictionary the columns whose values the input files' writer
 * could not keep in one (their chunks fell back to plain pages), as the seed's {@code value} JSON
 * does; the other columns keep theirs, and a table property for a column wins.
 */
class SortedRewriteDictionaryTest {
  private static final String VALUE = TableProperties.PARQUET_DICT_ENCODING_ENABLED_COLUMN_PREFIX + "value";
  private static final String DO_ID = TableProperties.PARQUET_DICT_ENCODING_ENABLED_COLUMN_PREFIX + "do_id";

  @TempDir Path dir;
  private Fixture fixture;
  private Table table;

  @BeforeEach
  void setUp() {
    fixture = new Fixture(dir);
    fixture.ingest("batch-0", 0, 100);
    table = fixture.table();
    // A dictionary of 1 KB: each event's own value overflows it, the two ops and one ns do not.
    table.updateProperties().set(TableProperties.PARQUET_DICT_SIZE_BYTES, "1024").commit();
    fixture.ingest("batch-1", 100, 300);
    table.refresh();
  }

  @Test
  void theFootersNameTheColumnsThatFellBackToPlainPages() {
    FlatLayout layout = FlatLayout.of(table.schema(), table.sortOrder());
    FlatParquetReader reader = new FlatParquetReader(layout);
    Set<String> plain = new TreeSet<>();
    Set<String> all = new TreeSet<>();
    for (DataFile file : Fixture.liveFiles(table)) {
      FlatParquetReader.Footer footer = reader.footer(table.io().newInputFile(file.location()));
      assertThat(footer.flat()).isTrue();
      footer.plainColumns().forEach(i -> plain.add(layout.struct().fields().get(i).name()));
      for (int i = 0; i < layout.size(); i++) {
        all.add(layout.struct().fields().get(i).name());
      }
    }
    assertThat(plain).contains("value").doesNotContain("op", "ns");
    assertThat(all).containsAll(plain);
  }

  @Test
  void thoseColumnsAreWrittenWithoutADictionaryUnlessATablePropertySaysOtherwise() {
    GroupRewriter rewriter = rewriter();
    Map<String, String> properties = rewriter.writerProperties(Set.of("value"));
    assertThat(properties).containsEntry(VALUE, "false").doesNotContainKey(DO_ID);
    assertThat(rewriter.writerProperties(Set.of())).doesNotContainKey(VALUE);

    table.updateProperties().set(VALUE, "true").commit();
    table.refresh();
    assertThat(rewriter().writerProperties(Set.of("value"))).doesNotContainKey(VALUE);
  }

  private GroupRewriter rewriter() {
    MaintenanceConfig config = Fixture.config(dev.floe.core.config.DataSize.ofMegabytes(16));
    return new GroupRewriter(table, WriteOptions.defaults(), config.compaction().sorted(50), dir.resolve("tmp"));
  }
}
