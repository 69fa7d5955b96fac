package dev.floe.core.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * A table's schemas in order, each with what changed from the one before and since when it is
 * used, for {@code floe status}.
 *
 * <p>"Since" is the first snapshot written with the schema. A schema no kept snapshot was written
 * with (evolved but not yet written to, or its snapshots expired) is looked up in the metadata log
 * instead, which means reading the earlier metadata files; floe reads them only then.
 */
public final class SchemaHistory {
  private SchemaHistory() {}

  /**
   * @param changes what changed from the schema before, by field id: {@code added x string},
   *     {@code widened x from int to long}, {@code made x optional}, {@code marked x as json},
   *     and, for changes made by other tools, {@code dropped}, {@code renamed}, {@code made x
   *     required}, {@code unmarked x as json}, {@code changed}
   * @param since when it became current, if known
   * @param sinceSnapshotId the first snapshot written with it, if one is kept
   */
  public record Entry(int schemaId, boolean current, List<String> changes, Optional<Instant> since, Optional<Long> sinceSnapshotId) {
    public Entry {
      changes = List.copyOf(changes);
    }
  }

  public static List<Entry> of(Table table) {
    Map<Integer, Schema> schemas = new TreeMap<>(table.schemas());
    Map<Integer, Snapshot> first = new HashMap<>();
    for (Snapshot snapshot : table.snapshots()) {
      Integer id = snapshot.schemaId();
      if (id != null) {
        first.merge(id, snapshot, (a, b) -> a.timestampMillis() <= b.timestampMillis() ? a : b);
      }
    }
    int oldestMissing = schemas.keySet().stream().filter(id -> !first.containsKey(id)).min(Integer::compare).orElse(Integer.MAX_VALUE);
    Map<Integer, Instant> fromLog = oldestMissing == Integer.MAX_VALUE ? Map.of() : fromMetadataLog(table, oldestMissing);
    List<Entry> entries = new ArrayList<>();
    Schema previous = null;
    for (Schema schema : schemas.values()) {
      int id = schema.schemaId();
      Snapshot snapshot = first.get(id);
      Optional<Instant> since =
          snapshot != null ? Optional.of(Instant.ofEpochMilli(snapshot.timestampMillis())) : Optional.ofNullable(fromLog.get(id));
      entries.add(
          new Entry(
              id,
              id == table.schema().schemaId(),
              previous == null ? List.of() : changes(previous, schema),
              since,
              Optional.ofNullable(snapshot).map(Snapshot::snapshotId)));
      previous = schema;
    }
    return entries;
  }

  /** What changed from {@code before} to {@code after}, matching fields by id as Iceberg does. */
  public static List<String> changes(Schema before, Schema after) {
    List<String> changes = new ArrayList<>();
    Map<Integer, Integer> parentsAfter = TypeUtil.indexParents(after.asStruct());
    Map<Integer, Integer> parentsBefore = TypeUtil.indexParents(before.asStruct());
    for (Types.NestedField field : new TreeMap<>(TypeUtil.indexById(after.asStruct())).values()) {
      int id = field.fieldId();
      String name = after.findColumnName(id);
      Types.NestedField old = before.findField(id);
      if (old == null) {
        Integer parent = parentsAfter.get(id);
        if (parent == null || before.findField(parent) != null) {
          changes.add("added " + name + " " + field.type());
        }
        continue;
      }
      String oldName = before.findColumnName(id);
      if (!leaf(oldName).equals(leaf(name))) {
        changes.add("renamed " + oldName + " to " + name);
      }
      if (field.type().isPrimitiveType() && !field.type().equals(old.type())) {
        changes.add((widened(old.type(), field.type()) ? "widened " : "changed ") + name + " from " + old.type() + " to " + field.type());
      }
      if (old.isRequired() && field.isOptional()) {
        changes.add("made " + name + " optional");
      } else if (old.isOptional() && field.isRequired()) {
        changes.add("made " + name + " required");
      }
      if (!SchemaEvolution.isJson(old) && SchemaEvolution.isJson(field)) {
        changes.add("marked " + json(name, field) + " as json");
      } else if (SchemaEvolution.isJson(old) && !SchemaEvolution.isJson(field)) {
        changes.add("unmarked " + json(name, field) + " as json");
      }
    }
    for (Types.NestedField field : new TreeMap<>(TypeUtil.indexById(before.asStruct())).values()) {
      int id = field.fieldId();
      Integer parent = parentsBefore.get(id);
      if (after.findField(id) == null && (parent == null || after.findField(parent) != null)) {
        changes.add("dropped " + before.findColumnName(id));
      }
    }
    return changes;
  }

  /** A list's json mark speaks for its strings: {@code tags[]}. */
  private static String json(String name, Types.NestedField field) {
    return name + "[]".repeat(Math.max(0, SchemaEvolution.stringDepth(field.type())));
  }

  private static String leaf(String name) {
    return name.substring(name.lastIndexOf('.') + 1);
  }

  private static boolean widened(Type from, Type to) {
    return TypeUtil.isPromotionAllowed(from, to.asPrimitiveType());
  }

  /**
   * Schema id to the time of the oldest metadata file in the log that has it current, walking the
   * log back from the newest file only as far as schema {@code oldest}.
   */
  private static Map<Integer, Instant> fromMetadataLog(Table table, int oldest) {
    Map<Integer, Instant> since = new HashMap<>();
    if (!(table instanceof HasTableOperations operations)) {
      return since;
    }
    TableMetadata current = operations.operations().current();
    since.put(current.currentSchemaId(), Instant.ofEpochMilli(current.lastUpdatedMillis()));
    List<TableMetadata.MetadataLogEntry> log = current.previousFiles();
    for (int i = log.size() - 1; i >= 0; i--) {
      TableMetadata earlier;
      try {
        earlier = TableMetadataParser.read(table.io(), log.get(i).file());
      } catch (RuntimeException e) {
        break; // removed by write.metadata.delete-after-commit: the log tells no more
      }
      if (earlier.currentSchemaId() < oldest) {
        break;
      }
      since.put(earlier.currentSchemaId(), Instant.ofEpochMilli(log.get(i).timestampMillis()));
    }
    return since;
  }
}
