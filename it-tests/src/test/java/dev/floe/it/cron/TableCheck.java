package dev.floe.it.cron;

import dev.floe.core.IngestOptions;
import dev.floe.core.commit.BatchLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;

/** Reads a table back and compares it with what the producers handed out. */
public final class TableCheck {
  private TableCheck() {}

  /**
   * How the table compares with the expected events.
   *
   * @param rows rows in the table
   * @param lost expected (do_id, seq) pairs with no row
   * @param doubled rows beyond the first of a (do_id, seq) pair
   * @param unexpected rows whose (do_id, seq) was never handed out
   * @param wrongValues pairs whose row differs from the event in any column
   * @param example the first wrong, lost or doubled key, for the failure message
   */
  record Comparison(long expected, long rows, long lost, long doubled, long unexpected, long wrongValues, String example) {
    boolean exactlyOnce() {
      return rows == expected && lost == 0 && doubled == 0 && unexpected == 0 && wrongValues == 0;
    }
  }

  /**
   * The table's rows by event key {@code do_id/seq}.
   *
   * @param rows how many rows
   * @param counts rows per key
   * @param values per key, the other columns (timestamp as epoch millis) of its last row read
   */
  public record Rows(long rows, Map<String, Integer> counts, Map<String, List<Object>> values) {}

  public static Rows read(Table table) {
    Map<String, Integer> counts = new HashMap<>();
    Map<String, List<Object>> values = new HashMap<>();
    long rows = 0;
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record r : records) {
        rows++;
        String key = r.getField("do_id") + "/" + r.getField("seq");
        counts.merge(key, 1, Integer::sum);
        values.put(key, Arrays.asList(r.getField("ns"), r.getField("type"), r.getField("key"), r.getField("value"),
            r.getField("op"), ((OffsetDateTime) r.getField("timestamp")).toInstant().toEpochMilli()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + table.name(), e);
    }
    return new Rows(rows, counts, values);
  }

  static Comparison compare(Table table, Map<String, List<Object>> expected) {
    Rows read = read(table);
    Map<String, Integer> counts = read.counts();
    Map<String, List<Object>> values = read.values();
    long rows = read.rows();
    long lost = 0;
    long doubled = 0;
    long unexpected = 0;
    long wrong = 0;
    String example = "";
    for (Map.Entry<String, List<Object>> want : expected.entrySet()) {
      Integer count = counts.get(want.getKey());
      if (count == null) {
        lost++;
        example = example.isEmpty() ? "lost " + want.getKey() : example;
      } else if (!Objects.equals(values.get(want.getKey()), want.getValue())) {
        wrong++;
        example = example.isEmpty() ? "wrong " + want.getKey() + ": " + values.get(want.getKey()) + " != " + want.getValue() : example;
      }
    }
    for (Map.Entry<String, Integer> count : counts.entrySet()) {
      doubled += count.getValue() - 1;
      if (count.getValue() > 1 && example.isEmpty()) {
        example = "doubled " + count.getKey() + " x" + count.getValue();
      }
      if (!expected.containsKey(count.getKey())) {
        unexpected += count.getValue();
        example = example.isEmpty() ? "unexpected " + count.getKey() : example;
      }
    }
    return new Comparison(expected.size(), rows, lost, doubled, unexpected, wrong, example);
  }

  /**
   * Batches that floe's commits on the current history say they hold ({@code floe.batch-count}): a
   * batch committed twice counts twice.
   */
  static long batchesCommitted(Table table) {
    long batches = 0;
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      if (snapshot.summary().containsKey(BatchLedger.RUN_ID)) {
        batches += Long.parseLong(snapshot.summary().getOrDefault(BatchLedger.BATCH_COUNT, "0"));
      }
    }
    return batches;
  }

  static String lastRun(Table table, String sourceKey) {
    return table.properties().get(IngestOptions.SourceMark.property(sourceKey));
  }

  static long rows(Table table) {
    Snapshot current = table.currentSnapshot();
    return current == null ? 0 : Long.parseLong(current.summary().getOrDefault("total-records", "0"));
  }
}
