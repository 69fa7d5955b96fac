package dev.floe.core.maintenance;

import java.util.ArrayList;
import java.util.List;

/** What {@code maintain all} did, step by step, in the order the steps ran. */
public record MaintenanceResult(
    String table,
    boolean dryRun,
    CompactionResult compaction,
    ManifestResult manifests,
    ExpiryResult expiry,
    OrphanResult orphans) {

  /** One line per step. */
  public List<String> summary() {
    List<String> lines = new ArrayList<>();
    lines.add(compaction.summary());
    lines.add(manifests.summary());
    lines.add(expiry.summary());
    lines.add(orphans.summary());
    return lines;
  }
}
