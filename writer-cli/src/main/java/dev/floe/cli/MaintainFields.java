package dev.floe.cli;

import dev.floe.core.maintenance.CompactionResult;
import dev.floe.core.maintenance.ExpiryResult;
import dev.floe.core.maintenance.ManifestResult;
import dev.floe.core.maintenance.OrphanResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code --json} fields of each maintenance result, snake_case like the other commands'. */
final class MaintainFields {
  private MaintainFields() {}

  static Map<String, Object> compaction(CompactionResult result) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("table", result.table());
    fields.put("run_id", result.runId());
    fields.put("dry_run", result.dryRun());
    fields.put("files_before", result.filesBefore());
    fields.put("bytes_before", result.bytesBefore());
    fields.put("files_after", result.filesAfter());
    fields.put("bytes_after", result.bytesAfter());
    fields.put("groups_planned", result.groupsPlanned());
    fields.put("groups_committed", result.groupsCommitted());
    fields.put("groups_conflicted", result.groupsConflicted());
    fields.put("files_rewritten", result.filesRewritten());
    fields.put("bytes_rewritten", result.bytesRewritten());
    fields.put("files_written", result.filesWritten());
    fields.put("bytes_written", result.bytesWritten());
    List<Map<String, Object>> groups =
        result.groups().stream()
            .map(
                group -> {
                  Map<String, Object> g = new LinkedHashMap<>();
                  g.put("partition", group.partition().toString());
                  g.put("status", group.status().name().toLowerCase(java.util.Locale.ROOT));
                  g.put("input_files", group.inputFiles());
                  g.put("input_bytes", group.inputBytes());
                  g.put("rows", group.rows());
                  g.put("output_files", group.outputFiles());
                  g.put("output_bytes", group.outputBytes());
                  g.put("snapshot_id", group.snapshotId());
                  g.put("message", group.message());
                  return g;
                })
            .toList();
    fields.put("groups", groups);
    fields.put(
        "skipped",
        result.skipped().stream()
            .map(
                skip ->
                    Map.<String, Object>of(
                        "partition", skip.partition().toString(), "reason", skip.reason().description(),
                        "files", skip.files(), "bytes", skip.bytes()))
            .toList());
    fields.put("duration_ms", result.duration().toMillis());
    return fields;
  }

  static Map<String, Object> expiry(ExpiryResult result) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("table", result.table());
    fields.put("dry_run", result.dryRun());
    fields.put("expired_before", result.expiredBefore().toString());
    fields.put("retain_last", result.retainLast());
    fields.put("snapshots_before", result.snapshotsBefore());
    fields.put("snapshots_after", result.snapshotsAfter());
    fields.put("snapshots_expired", result.snapshotsExpired());
    fields.put("expired_snapshot_ids", result.expiredSnapshotIds());
    fields.put("carried_snapshots", result.carriedSnapshots());
    fields.put("carried_digests", result.carriedDigests());
    fields.put("carried_entries_pruned", result.carriedPropertiesPruned());
    fields.put("data_files_deleted", result.dataFilesDeleted());
    fields.put("manifests_deleted", result.manifestsDeleted());
    fields.put("duration_ms", result.duration().toMillis());
    return fields;
  }

  static Map<String, Object> orphans(OrphanResult result) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("table", result.table());
    fields.put("dry_run", result.dryRun());
    fields.put("files_listed", result.filesListed());
    fields.put("files_referenced", result.filesReferenced());
    fields.put("modified_before", result.modifiedBefore().toString());
    fields.put("orphans", result.orphans());
    fields.put("orphan_bytes", result.orphanBytes());
    fields.put("orphans_deleted", result.orphansDeleted());
    fields.put("delete_failures", result.deleteFailures());
    fields.put("too_young", result.tooYoung());
    fields.put("skipped", result.skipped());
    fields.put("skip_reason", result.skipReason().orElse(null));
    fields.put("duration_ms", result.duration().toMillis());
    return fields;
  }

  static Map<String, Object> manifests(ManifestResult result) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("table", result.table());
    fields.put("dry_run", result.dryRun());
    fields.put("manifests_before", result.manifestsBefore());
    fields.put("small_manifests", result.smallManifests());
    fields.put("manifests_after", result.manifestsAfter());
    fields.put("rewritten", result.rewritten());
    fields.put("snapshot_id", result.snapshotId());
    fields.put("properties_set", result.propertiesSet());
    fields.put("metadata_files", result.metadataFiles());
    fields.put("duration_ms", result.duration().toMillis());
    return fields;
  }

  /** The compaction summary and one line per group. */
  static String describe(CompactionResult result) {
    StringBuilder text = new StringBuilder(result.summary());
    for (CompactionResult.GroupResult group : result.groups()) {
      text.append(System.lineSeparator())
          .append(
              String.format(
                  "  %s %s: %d files (%s) -> %d files (%s)%s",
                  group.status().name().toLowerCase(java.util.Locale.ROOT), group.partition(), group.inputFiles(),
                  IngestCommand.humanBytes(group.inputBytes()), group.outputFiles(), IngestCommand.humanBytes(group.outputBytes()),
                  group.message() == null ? "" : ": " + group.message()));
    }
    return text.toString();
  }
}
