package dev.floe.cli;

import dev.floe.core.IngestConfig;
import dev.floe.core.config.Settings;
import dev.floe.core.table.SchemaHistory;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code floe status}: what the table holds, from its metadata alone (no data file is read). */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the table's schema, partitioning, snapshots and size.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand FloeCli root;
  @Mixin ConfigOptions configOptions;

  @Option(names = "--json", description = "Print one JSON object line.")
  boolean json;

  @Option(names = "--stacktrace", description = "Print the full stack trace of an error.")
  boolean stacktrace;

  @Override
  public Integer call() {
    Settings settings = configOptions.settings(root.env(), Map.of());
    TableIdentifier id = IngestConfig.from(settings).table();
    Map<String, Object> status;
    try (OpenCatalog catalog = OpenCatalog.from(settings)) {
      status = status(catalog.catalog().loadTable(id));
    } catch (RuntimeException e) {
      throw TlsFailures.explain(e, settings);
    }
    print(status, spec.commandLine().getOut());
    return ExitCodes.OK;
  }

  static Map<String, Object> status(Table table) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("table", table.name());
    status.put("location", table.location());
    Map<String, String> columns = new LinkedHashMap<>();
    for (Types.NestedField column : table.schema().columns()) {
      columns.put(column.name(), column.type() + (column.isRequired() ? " required" : ""));
    }
    status.put("schema", columns);
    status.put("schema_id", table.schema().schemaId());
    status.put("schema_history", SchemaHistory.of(table).stream().map(StatusCommand::historyEntry).toList());
    status.put("partition_spec", table.spec().fields().stream().map(field -> field.transform() + "(" + table.schema().findColumnName(field.sourceId()) + ")").toList());
    status.put("sort_order", table.sortOrder().toString().replace('\n', ' '));
    int snapshots = 0;
    for (Snapshot ignored : table.snapshots()) {
      snapshots++;
    }
    status.put("snapshots", snapshots);
    Snapshot current = table.currentSnapshot();
    Map<String, String> summary = current == null ? Map.of() : new java.util.TreeMap<>(current.summary());
    status.put("current_snapshot_id", current == null ? null : current.snapshotId());
    status.put("data_files", Long.parseLong(summary.getOrDefault("total-data-files", "0")));
    status.put("rows", Long.parseLong(summary.getOrDefault("total-records", "0")));
    status.put("bytes", Long.parseLong(summary.getOrDefault("total-files-size", "0")));
    status.put("latest_summary", summary);
    return status;
  }

  private static Map<String, Object> historyEntry(SchemaHistory.Entry entry) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("schema_id", entry.schemaId());
    fields.put("current", entry.current());
    fields.put("since", entry.since().map(Object::toString).orElse(null));
    fields.put("since_snapshot_id", entry.sinceSnapshotId().orElse(null));
    fields.put("changes", entry.changes());
    return fields;
  }

  private void print(Map<String, Object> status, PrintWriter out) {
    if (json) {
      out.println(Json.line(status));
    } else {
      out.printf("Table      %s%n", status.get("table"));
      out.printf("Location   %s%n", status.get("location"));
      out.printf("Schema     %s%n", status.get("schema"));
      out.printf("Partition  %s%n", status.get("partition_spec"));
      printHistory(status, out);
      out.printf("Snapshots  %s (current %s)%n", status.get("snapshots"), status.get("current_snapshot_id"));
      out.printf("Data       %s rows in %s files, %s%n", status.get("rows"), status.get("data_files"),
          IngestCommand.humanBytes((Long) status.get("bytes")));
      @SuppressWarnings("unchecked")
      Map<String, String> summary = (Map<String, String>) status.get("latest_summary");
      if (!summary.isEmpty()) {
        out.println("Latest snapshot summary");
        List.copyOf(summary.keySet()).forEach(key -> out.printf("  %-28s %s%n", key, summary.get(key)));
      }
    }
    out.flush();
  }

  /** One line per schema: {@code 1 (current) since 2026-...Z, snapshot 42: added tag string}. */
  private static void printHistory(Map<String, Object> status, PrintWriter out) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> history = (List<Map<String, Object>>) status.get("schema_history");
    out.println("Schema history");
    for (Map<String, Object> entry : history) {
      StringBuilder line = new StringBuilder("  ").append(entry.get("schema_id"));
      if ((Boolean) entry.get("current")) {
        line.append(" (current)");
      }
      line.append(entry.get("since") == null ? " since unknown (no kept snapshot or metadata log entry)" : " since " + entry.get("since"));
      if (entry.get("since_snapshot_id") != null) {
        line.append(", snapshot ").append(entry.get("since_snapshot_id"));
      } else if (entry.get("since") != null) {
        line.append(" (from the metadata log: no kept snapshot was written with it)");
      }
      @SuppressWarnings("unchecked")
      List<String> changes = (List<String>) entry.get("changes");
      if (history.indexOf(entry) == 0) {
        // Expiry may have removed the schemas before it: then it is only the oldest one kept.
        line.append((Integer) entry.get("schema_id") == 0 ? ": created" : ": oldest kept schema");
      } else {
        line.append(changes.isEmpty() ? ": no column changes" : ": " + String.join(", ", changes));
      }
      out.println(line);
    }
  }
}
