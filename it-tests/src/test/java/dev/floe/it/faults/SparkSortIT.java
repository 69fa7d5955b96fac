package dev.floe.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.it.interop.SparkExtension;
import dev.floe.it.interop.SparkSql;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beyond one machine the sorted layout comes from Spark: {@code rewrite_data_files(strategy =>
 * 'sort')} on a floe table, in the table's own sort order ({@code do_id, seq}). floe keeps working
 * on top of it: it recognises the batches it committed before the rewrite, commits new ones, and
 * its own {@code maintain compact --sort} finds nothing to do on Spark's output (the files Spark
 * sorted carry the table's sort order id) and sorts only what floe committed after it.
 */
@ExtendWith({ServersExtension.class, SparkExtension.class})
class SparkSortIT {
  private static final int EVENTS = 400;

  @TempDir Path dir;

  @Test
  void floeKeepsWorkingOnATableSortedBySparkAndLeavesSparksSortedFilesAlone(Endpoints endpoints, SparkSql spark)
      throws IOException {
    String catalog = "sort_" + UUID.randomUUID().toString().substring(0, 8);
    spark.registerRestCatalog(catalog, endpoints.catalogProperties());
    String table = "sort_" + UUID.randomUUID().toString().replace("-", "") + ".events";
    Floe floe = Floe.via(endpoints, endpoints.s3Endpoint(), endpoints.catalogUri());
    Path deadLetters = dir.resolve("dead-letters");
    List<Path> files = floe.generateFiles(dir, 5, EVENTS, 9_000);
    List<TableCheck.Key> expected = TableCheck.eventsOf(files);
    List<String> figures = new ArrayList<>();

    try (TableCheck check = new TableCheck(endpoints)) {
      for (Path file : files.subList(0, 4)) {
        assertThat(floe.ingest(table, deadLetters, List.of(file)).committedBatches()).isEqualTo(1);
      }
      Table ingested = check.table(table);
      assertThat(ingested.sortOrder().isSorted()).as("floe's table declares its sort order").isTrue();
      int sortOrderId = ingested.sortOrder().orderId();
      Map<Integer, Integer> before = sortOrderIds(ingested);
      figures.add("after 4 floe commits: data files by sort_order_id " + before);

      // Spark sorts the whole table in its sort order.
      JsonNode rewrite =
          SparkSql.onlyRow(spark.sql("CALL " + catalog + ".system.rewrite_data_files(table => '" + table
              + "', strategy => 'sort', options => map('min-input-files', '2', 'rewrite-all', 'true'))"));
      assertThat(rewrite.get("rewritten_data_files_count").asInt()).isPositive();
      Table sorted = check.table(table);
      Map<Integer, Integer> afterSpark = sortOrderIds(sorted);
      figures.add("Spark rewrite_data_files(strategy => 'sort'): " + rewrite.get("rewritten_data_files_count").asInt()
          + " files -> " + rewrite.get("added_data_files_count").asInt() + "; data files by sort_order_id "
          + afterSpark);
      assertThat(afterSpark.keySet()).as("Spark records the table's sort order on the files it sorts")
          .containsExactly(sortOrderId);
      assertThat(check.tally(table, TableCheck.eventsOf(files.subList(0, 4))).lost()).isZero();

      // floe's sorted compaction finds nothing to do on Spark's sorted files.
      Floe.Result nothing = floe.maintain("compact", table, "--sort", "--partition-min-age", "0s");
      assertThat(nothing.exitCode()).as("stderr:%n%s", nothing.err()).isZero();
      assertThat(nothing.json().get("groups_planned").asInt()).isZero();
      figures.add("floe maintain compact --sort right after: " + nothing.json().get("groups_planned").asInt()
          + " groups planned");

      // floe recognises what it committed before Spark's rewrite, and commits f5 on top.
      Floe.Result again = floe.ingest(table, deadLetters, files.subList(0, 4));
      assertThat(again.exitCode()).as("stderr:%n%s", again.err()).isZero();
      assertThat(again.json().get("committed").asBoolean()).isFalse();
      assertThat(again.json().get("batches_skipped").asInt()).isEqualTo(4);
      assertThat(floe.ingest(table, deadLetters, List.of(files.get(4))).committedBatches()).isEqualTo(1);
      figures.add("after Spark's sort: f1-f4 offered again, skipped 4; f5 committed");

      // floe's sorted compaction rewrites f5's unsorted files (with Spark's small files beside them).
      Map<Integer, Integer> withF5 = sortOrderIds(check.table(table));
      int unsorted = withF5.entrySet().stream().filter(e -> e.getKey() != sortOrderId)
          .mapToInt(Map.Entry::getValue).sum();
      assertThat(unsorted).as("f5's files, not sorted yet").isPositive();
      Floe.Result compact = floe.maintain("compact", table, "--sort", "--partition-min-age", "0s");
      assertThat(compact.exitCode()).as("stderr:%n%s", compact.err()).isZero();
      JsonNode result = compact.json();
      assertThat(result.get("groups_conflicted").asInt()).isZero();
      assertThat(result.get("files_rewritten").asInt()).isGreaterThanOrEqualTo(unsorted);
      Map<Integer, Integer> compacted = sortOrderIds(check.table(table));
      assertThat(compacted.keySet()).as("every file is now in the sort order").containsExactly(sortOrderId);
      figures.add("floe maintain compact --sort after f5: " + withF5 + " -> " + compacted + " ("
          + result.get("files_rewritten").asInt() + " files rewritten)");

      // A second sorted run plans nothing.
      Floe.Result second = floe.maintain("compact", table, "--sort", "--partition-min-age", "0s");
      assertThat(second.exitCode()).as("stderr:%n%s", second.err()).isZero();
      assertThat(second.json().get("groups_planned").asInt()).isZero();

      TableCheck.Tally after = check.tally(table, expected);
      assertThat(after.lost()).isZero();
      assertThat(after.doubled()).isZero();
      JsonNode count = SparkSql.onlyRow(spark.sql("SELECT count(*) AS n FROM " + catalog + "." + table));
      assertThat(count.get("n").asLong()).isEqualTo(after.rows());
      assertThat(check.missingDataFiles(table)).isEmpty();
      figures.add(after.toString());
      Figures.report("SparkSortIT:", figures);
    }
  }

  /** How many of the current snapshot's data files carry each sort order id (0: unsorted or none). */
  private static Map<Integer, Integer> sortOrderIds(Table table) throws IOException {
    Map<Integer, Integer> counts = new TreeMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        counts.merge(Objects.requireNonNullElse(file.sortOrderId(), 0), 1, Integer::sum);
      }
    }
    return counts;
  }


}
