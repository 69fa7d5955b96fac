package dev.floe.core.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * @param skipReason why the sweep listed nothing it could trust and so looked at nothing (every
 *     listing raced a commit); empty when it ran
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
    Duration duration,
    Optional<String> skipReason) {

  public OrphanResult {
    orphans = List.copyOf(orphans);
    skipReason = Objects.requireNonNull(skipReason, "skipReason");
  }

  /** A sweep that skipped this run, having found and deleted nothing. */
  static OrphanResult skipped(String table, boolean dryRun, Instant modifiedBefore, String reason, Duration duration) {
    return new OrphanResult(table, dryRun, 0, 0, modifiedBefore, List.of(), 0, 0, 0, 0, duration, Optional.of(reason));
  }

  public boolean skipped() {
    return skipReason.isPresent();
  }

  public String summary() {
    if (skipped()) {
      return "orphan files" + (dryRun ? " (dry run)" : "") + ": skipped, " + skipReason.get();
    }
    return String.format(
        "orphan files%s: %d listed, %d referenced, %d orphans (%s) %s, %d unreferenced but modified after %s kept",
        dryRun ? " (dry run)" : "", filesListed, filesReferenced, orphans.size(), Bytes.format(orphanBytes),
        dryRun ? "found" : orphansDeleted + " deleted" + (deleteFailures > 0 ? " (" + deleteFailures + " failed)" : ""),
        tooYoung, modifiedBefore);
  }
}
