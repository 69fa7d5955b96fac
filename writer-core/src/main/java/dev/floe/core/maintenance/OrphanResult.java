package dev.floe.core.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What an orphan sweep found and deleted (nothing, for a dry run).
 *
 * @param filesListed files under the table's locations
 * @param filesReferenced of those, files the table's metadata references
 * @param modifiedBefore an unreferenced file counts as an orphan only when last modified before this
 * @param orphans the unreferenced files old enough to delete
 * @param tooYoung unreferenced files modified after {@code modifiedBefore}, left alone: they may
 *     belong to a commit in progress
 * @param orphansDeleted 0 for a dry run
 */
public record OrphanResult(
    String table,
    boolean dryRun,
    int filesListed,
    int filesReferenced,
    Instant modifiedBefore,
    List<String> orphans,
    long orphanBytes,
    int tooYoung,
    int orphansDeleted,
    int deleteFailures,
    Duration duration) {

  public OrphanResult {
    orphans = List.copyOf(orphans);
  }

  public String summary() {
    return String.format(
        "orphan files%s: %d listed, %d referenced, %d orphans (%s) %s, %d unreferenced but modified after %s kept",
        dryRun ? " (dry run)" : "", filesListed, filesReferenced, orphans.size(), Bytes.format(orphanBytes),
        dryRun ? "found" : orphansDeleted + " deleted" + (deleteFailures > 0 ? " (" + deleteFailures + " failed)" : ""),
        tooYoung, modifiedBefore);
  }
}
