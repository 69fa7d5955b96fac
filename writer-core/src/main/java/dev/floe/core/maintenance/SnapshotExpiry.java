package dev.floe.core.maintenance;

import dev.floe.core.RunIds;
import dev.floe.core.commit.BatchLedger;
import dev.floe.core.commit.VerifiedCommits;
import dev.floe.core.maintenance.DedupeCarryOver.Expiring;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.BulkDeletionFailureException;
import org.apache.iceberg.io.SupportsBulkOperations;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires snapshots with Iceberg's {@link ExpireSnapshots}: older than {@code older-than} and not
 * among the {@code retain-last} most recent, deleting the data files, manifests and manifest lists
 * that only expired snapshots referenced (files any retained snapshot references are never
 * touched).
 *
 * <p>Before expiring, it carries the batch digests of main-branch snapshots inside the dedupe
 * window into table properties, as a commit of its own (see {@link DedupeCarryOver}). It carries
 * every such snapshot older than the cut-off, not only the ones expiring now: the set that expires
 * is recomputed when the expiry commits, and new ingest commits can push more snapshots out of the
 * {@code retain-last} tail, never ones newer than the cut-off.
 */
final class SnapshotExpiry {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotExpiry.class);

  private final Table table;
  private final ExpiryOptions options;
  private final VerifiedCommits commits;
  private final Clock clock;

  SnapshotExpiry(Table table, ExpiryOptions options, VerifiedCommits commits, Clock clock) {
    this.table = table;
    this.options = options;
    this.commits = commits;
    this.clock = clock;
  }

  ExpiryResult preview() {
    Instant start = clock.instant();
    table.refresh();
    Instant cutOff = start.minus(options.olderThan());
    List<Snapshot> before = snapshots();
    List<Long> expiring = ids(expire(cutOff).apply());
    DedupeCarryOver.Update carry = carryOver(start, cutOff);
    return new ExpiryResult(
        table.name(), true, cutOff, options.retainLast(), before.size(), before.size() - expiring.size(), expiring,
        carry.snapshots(), carry.digests(), carry.remove().size(), 0, 0, Duration.between(start, clock.instant()));
  }

  ExpiryResult run() {
    Instant start = clock.instant();
    table.refresh();
    Instant cutOff = start.minus(options.olderThan());
    List<Snapshot> before = snapshots();
    DedupeCarryOver.Update carry = carryOver(start, cutOff);
    String runId = RunIds.next(clock);
    if (!carry.isEmpty()) {
      commits.updateProperties(table, runId, "the property update of expiry " + runId, carry.set(), carry.remove());
      LOG.info(
          "Expiry of {}: carried the batch digests of {} snapshots into table properties, pruned {} old entries",
          table.name(), carry.snapshots(), carry.remove().size());
    }
    Deletions deletions = new Deletions();
    List<Long> expiring = ids(expire(cutOff).apply());
    if (!expiring.isEmpty()) {
      commits.commit(
          table,
          runId,
          "expiry " + runId,
          () -> {
            // Iceberg hands over the files to delete only after the commit was answered; they are
            // collected and deleted once commit() returned, in bulk where the FileIO can.
            deletions.clear();
            ExpireSnapshots expire = expire(cutOff).cleanExpiredFiles(true).deleteWith(deletions::add);
            // Naming the snapshots makes Iceberg clean up by reachability: it then also deletes
            // files that a retained snapshot removed from the table (e.g. compaction inputs), which
            // its incremental cleanup leaves until that snapshot expires too. The age and count
            // rules still apply when the expiry commits.
            expiring.forEach(expire::expireSnapshotId);
            expire.commit();
            return Boolean.TRUE;
          },
          // Landed when the named snapshots are gone; Iceberg deletes their files only after an
          // answered commit, so after a lost answer they are left to orphan removal.
          reloaded -> expiring.stream().noneMatch(id -> reloaded.snapshot(id) != null) ? Optional.of(Boolean.TRUE) : Optional.empty());
    }
    deletions.delete();
    table.refresh();
    Set<Long> remaining = new HashSet<>(ids(snapshots()));
    List<Long> expired = before.stream().map(Snapshot::snapshotId).filter(id -> !remaining.contains(id)).toList();
    deleteUnnamedLedgerFiles(before, remaining);
    LOG.info(
        "Expiry of {}: expired {} snapshots committed before {}; deleted {} data files and {} manifests",
        table.name(), expired.size(), cutOff, deletions.data, deletions.manifests);
    return new ExpiryResult(
        table.name(), false, cutOff, options.retainLast(), before.size(), remaining.size(), expired, carry.snapshots(),
        carry.digests(), carry.remove().size(), deletions.data, deletions.manifests,
        Duration.between(start, clock.instant()));
  }

  /**
   * Deletes the batch ledger files that only expired snapshots named: their digests live on in the
   * parts the table properties name (a merge carried them there), or left the dedupe window.
   */
  private void deleteUnnamedLedgerFiles(List<Snapshot> before, Set<Long> remaining) {
    Set<String> named = BatchLedger.ledgerFiles(table);
    List<String> unnamed = new ArrayList<>();
    for (Snapshot snapshot : before) {
      if (remaining.contains(snapshot.snapshotId())) {
        continue;
      }
      Optional<String> file = BatchLedger.ledgerFile(table, snapshot);
      if (file.isPresent() && !named.contains(file.get())) {
        unnamed.add(file.get());
      }
    }
    int deleted = deleteFiles(unnamed, "batch ledger files");
    if (deleted > 0) {
      LOG.info("Expiry of {}: deleted {} batch ledger files that only expired snapshots named", table.name(), deleted);
    }
  }

  /**
   * Deletes the files with the FileIO's bulk delete where it has one (S3FileIO: batched
   * DeleteObjects requests instead of one request per file), else one by one; returns how many
   * were deleted. A failure is logged and
   * leaves the file to orphan removal.
   */
  private int deleteFiles(List<String> locations, String what) {
    if (locations.isEmpty()) {
      return 0;
    }
    if (table.io() instanceof SupportsBulkOperations bulk) {
      try {
        bulk.deleteFiles(locations);
        return locations.size();
      } catch (BulkDeletionFailureException e) {
        LOG.warn(
            "Expiry of {}: {} of {} {} could not be deleted, left to orphan removal: {}",
            table.name(), e.numberFailedObjects(), locations.size(), what, e.getMessage());
        return locations.size() - e.numberFailedObjects();
      } catch (RuntimeException e) {
        LOG.warn("Expiry of {}: cannot delete {} {}, left to orphan removal: {}", table.name(), locations.size(), what, e.toString());
        return 0;
      }
    }
    int deleted = 0;
    for (String location : locations) {
      try {
        table.io().deleteFile(location);
        deleted++;
      } catch (RuntimeException e) {
        LOG.warn("Expiry of {}: cannot delete {}, left to orphan removal: {}", table.name(), location, e.toString());
      }
    }
    return deleted;
  }

  private ExpireSnapshots expire(Instant cutOff) {
    return table.expireSnapshots().expireOlderThan(cutOff.toEpochMilli()).retainLast(options.retainLast());
  }

  private DedupeCarryOver.Update carryOver(Instant now, Instant cutOff) {
    List<Expiring> candidates = new ArrayList<>();
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      if (snapshot.timestampMillis() < cutOff.toEpochMilli()) {
        candidates.add(new Expiring(snapshot.timestampMillis(), snapshot.summary().get(BatchLedger.BATCH_IDS)));
      }
    }
    return DedupeCarryOver.plan(candidates, table.properties(), now.minus(options.dedupeWindow()));
  }

  private List<Snapshot> snapshots() {
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    snapshots.sort(Comparator.comparingLong(Snapshot::timestampMillis));
    return snapshots;
  }

  private static List<Long> ids(List<Snapshot> snapshots) {
    return snapshots.stream().map(Snapshot::snapshotId).toList();
  }

  /**
   * What Iceberg's cleanup hands over, deleted after the commit, counting manifests and manifest
   * lists (Avro) apart from data, delete and statistics files.
   */
  private final class Deletions {
    private final Queue<String> pending = new ConcurrentLinkedQueue<>();
    private int data;
    private int manifests;

    void add(String location) {
      pending.add(location);
    }

    /** Forgets what an earlier attempt collected. */
    void clear() {
      pending.clear();
    }

    void delete() {
      List<String> avro = pending.stream().filter(location -> location.endsWith(".avro")).toList();
      List<String> others = pending.stream().filter(location -> !location.endsWith(".avro")).toList();
      pending.clear();
      data += deleteFiles(others, "data and statistics files");
      manifests += deleteFiles(avro, "manifests");
    }
  }
}
