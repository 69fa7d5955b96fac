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
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
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
            ExpireSnapshots expire = expire(cutOff).cleanExpiredFiles(true).deleteWith(deletions::delete);
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
    table.refresh();
    Set<Long> remaining = new HashSet<>(ids(snapshots()));
    List<Long> expired = before.stream().map(Snapshot::snapshotId).filter(id -> !remaining.contains(id)).toList();
    deleteUnnamedLedgerFiles(before, remaining);
    LOG.info(
        "Expiry of {}: expired {} snapshots committed before {}; deleted {} data files and {} manifests",
        table.name(), expired.size(), cutOff, deletions.data.get(), deletions.manifests.get());
    return new ExpiryResult(
        table.name(), false, cutOff, options.retainLast(), before.size(), remaining.size(), expired, carry.snapshots(),
        carry.digests(), carry.remove().size(), deletions.data.get(), deletions.manifests.get(),
        Duration.between(start, clock.instant()));
  }

  /**
   * Deletes the batch ledger files that only expired snapshots named: their digests live on in the
   * parts the table properties name (a merge carried them there), or left the dedupe window.
   */
  private void deleteUnnamedLedgerFiles(List<Snapshot> before, Set<Long> remaining) {
    Set<String> named = BatchLedger.ledgerFiles(table);
    int deleted = 0;
    for (Snapshot snapshot : before) {
      if (remaining.contains(snapshot.snapshotId())) {
        continue;
      }
      Optional<String> file = BatchLedger.ledgerFile(table, snapshot);
      if (file.isPresent() && !named.contains(file.get())) {
        try {
          table.io().deleteFile(file.get());
          deleted++;
        } catch (RuntimeException e) {
          LOG.warn("Expiry of {}: cannot delete batch ledger file {}: {}", table.name(), file.get(), e.toString());
        }
      }
    }
    if (deleted > 0) {
      LOG.info("Expiry of {}: deleted {} batch ledger files that only expired snapshots named", table.name(), deleted);
    }
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
   * Deletes what Iceberg's cleanup hands over, counting manifests and manifest lists (Avro) apart
   * from data, delete and statistics files.
   */
  private final class Deletions {
    private final AtomicInteger data = new AtomicInteger();
    private final AtomicInteger manifests = new AtomicInteger();

    void delete(String location) {
      table.io().deleteFile(location);
      (location.endsWith(".avro") ? manifests : data).incrementAndGet();
    }
  }
}
