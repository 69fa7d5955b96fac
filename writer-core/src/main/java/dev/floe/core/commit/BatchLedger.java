package dev.floe.core.commit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotAncestryValidator;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * The record of which batches are in the table. Every floe commit records, in the same atomic step
 * as its data, its run id in its snapshot summary and a short digest of each batch id in the batch
 * ledger ({@link Ledger}): a few objects beside the table's metadata, named by table properties, so
 * the record survives any engine's snapshot expiry and costs the same few hundred bytes of metadata
 * whatever the number of batches.
 *
 * <p>Tables written by floe before the ledger recorded digests inline, in snapshot summaries
 * ({@link #BATCH_IDS}) and in table properties carried for the dedupe window ({@link
 * #CARRIED_PREFIX}); both are still honoured until they expire or leave the window.
 *
 * <p>Digests (the first 96 bits of SHA-256, 16 base64url characters) keep the record small however
 * long the ids are (S3 keys, file names); at 96 bits a collision among even 10^9 batches has
 * probability ~10^-11.
 */
public final class BatchLedger {
  /** Snapshot summary key: the id of the floe run that made the snapshot. */
  public static final String RUN_ID = "floe.run-id";
  /** Snapshot summary key of floe before the ledger: comma-separated digests of the snapshot's batch ids. */
  public static final String BATCH_IDS = "floe.batch-ids";
  /** Snapshot summary key: how many batches the snapshot contains. */
  public static final String BATCH_COUNT = "floe.batch-count";

  /**
   * Table property prefix: {@code floe.carried.<commit time in ms>[.<run id>]} holds the
   * comma-separated batch digests of a commit (of several snapshots, when floe's expiry carries
   * snapshots that share a millisecond). The run id keeps concurrent writers' keys apart: a key is
   * set by one commit only, so a retried transaction never overwrites another writer's digests.
   */
  public static final String CARRIED_PREFIX = "floe.carried.";

  private BatchLedger() {}

  /** The table property that carries the digests of a snapshot committed at {@code timestampMillis}. */
  public static String carriedKey(long timestampMillis) {
    return CARRIED_PREFIX + timestampMillis;
  }

  /** The table property in which run {@code runId}, committing at {@code timestampMillis}, carries its digests. */
  public static String carriedKey(long timestampMillis, String runId) {
    return CARRIED_PREFIX + timestampMillis + "." + runId;
  }

  /**
   * The commit time a carried property is keyed by, or {@link Long#MAX_VALUE} for a key floe did
   * not write (never pruned).
   */
  public static long carriedAt(String key) {
    if (!key.startsWith(CARRIED_PREFIX)) {
      return Long.MAX_VALUE;
    }
    int start = CARRIED_PREFIX.length();
    int end = key.indexOf('.', start);
    try {
      return Long.parseLong(end < 0 ? key.substring(start) : key.substring(start, end));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The carried properties among {@code properties} committed before {@code millis}: out of the window. */
  public static Set<String> carriedBefore(Map<String, String> properties, long millis) {
    Set<String> keys = new TreeSet<>();
    properties.keySet().stream()
        .filter(key -> key.startsWith(CARRIED_PREFIX) && carriedAt(key) < millis)
        .forEach(keys::add);
    return keys;
  }

  /** Every digest the carried properties among {@code properties} hold. */
  public static Set<String> carried(Map<String, String> properties) {
    Set<String> digests = new HashSet<>();
    properties.forEach(
        (key, ids) -> {
          if (key.startsWith(CARRIED_PREFIX)) {
            digests.addAll(digests(ids));
          }
        });
    return digests;
  }

  /** The digests of a comma-separated list (a summary's or a carried property's), in order. */
  public static Set<String> digests(String ids) {
    Set<String> digests = new LinkedHashSet<>();
    if (ids != null) {
      for (String id : ids.split(",")) {
        if (!id.isBlank()) {
          digests.add(id.trim());
        }
      }
    }
    return digests;
  }

  public static String digest(String batchId) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(batchId.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 12));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot compute SHA-256: the JVM lacks it", e);
    }
  }

  /** Summary properties of a commit of {@code batches} batches by {@code runId}; the digests go to the ledger. */
  public static Map<String, String> summary(String runId, int batches) {
    return Map.of(RUN_ID, runId, BATCH_COUNT, Integer.toString(batches));
  }

  /**
   * Which of {@code digests} the table holds, as far as anything records: the ledger, and for
   * tables written before it, the summaries on its history and the carried table properties.
   */
  public static Set<String> committed(Table table, Collection<String> digests) {
    return committed(table, digests, Long.MIN_VALUE);
  }

  /**
   * As {@link #committed(Table, Collection)}, where ledger entries older than {@code
   * oldestKeptSeconds} (out of the dedupe window) no longer count.
   */
  public static Set<String> committed(Table table, Collection<String> digests, long oldestKeptSeconds) {
    return check(table, digests, oldestKeptSeconds).committed();
  }

  /**
   * What a dedupe check found and what it cost: the digests the table holds, and the read requests
   * and bytes it took from the batch ledger's files.
   */
  public record Check(Set<String> committed, long requests, long bytes) {}

  /** The dedupe check of {@code digests}: {@link #committed(Table, Collection, long)} with its cost. */
  public static Check check(Table table, Collection<String> digests, long oldestKeptSeconds) {
    Set<String> wanted = new HashSet<>(digests);
    Set<String> found = new LinkedHashSet<>();
    ObjectReads reads = new ObjectReads();
    if (wanted.isEmpty()) {
      return new Check(found, 0, 0);
    }
    Set<String> inLedger = Ledger.committed(table, wanted, oldestKeptSeconds, reads);
    digests.stream().filter(inLedger::contains).forEach(found::add);
    if (found.size() < wanted.size()) {
      collectInline(table, digests, wanted, found);
    }
    return new Check(found, reads.requests(), reads.bytes());
  }

  private static void collectInline(Table table, Collection<String> digests, Set<String> wanted, Set<String> found) {
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      collect(snapshot, wanted, found);
      if (found.size() == wanted.size()) {
        return;
      }
    }
    Set<String> carried = carried(table.properties());
    digests.stream().filter(carried::contains).forEach(found::add);
  }

  /**
   * The batch ledger's files that the table names, in its properties and in the summaries of its
   * snapshots: what orphan removal must keep, and what snapshot expiry may delete once nothing
   * names it.
   */
  public static Set<String> ledgerFiles(Table table) {
    Set<String> files = new LinkedHashSet<>(Ledger.files(table));
    for (Snapshot snapshot : table.snapshots()) {
      ledgerFile(table, snapshot).ifPresent(files::add);
    }
    return files;
  }

  /** The ledger's parts: the files its table properties name, which a run's dedupe check reads. */
  public static Set<String> ledgerParts(Table table) {
    return Ledger.files(table);
  }

  /** The location of the ledger file that snapshot {@code snapshot} of {@code table} names, if any. */
  public static Optional<String> ledgerFile(Table table, Snapshot snapshot) {
    String name = snapshot.summary() == null ? null : snapshot.summary().get(Ledger.SUMMARY_FILE);
    return Optional.ofNullable(name).map(n -> Ledger.location(table, n));
  }

  /** The snapshot on the table's current history that run {@code runId} made, if any. */
  public static Optional<Snapshot> findRun(Table table, String runId) {
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      if (runId.equals(snapshot.summary().get(RUN_ID))) {
        return Optional.of(snapshot);
      }
    }
    return Optional.empty();
  }

  /**
   * Fails a commit whose base history already records one of {@code digests}: a concurrent run
   * committed the same batch after this run checked (at snapshot {@code checkedSnapshotId}, null
   * for an empty table). Iceberg runs it against the latest table state on every commit attempt,
   * including its internal retries; it reads the ledger files of the commits made since the check
   * (usually none or one) and the inline digests of older floe commits.
   *
   * <p>When the history already holds run {@code runId}'s own snapshot (an earlier attempt landed
   * but its answer was lost), stops the commit with an exception that Iceberg does not clean up
   * after, so the landed snapshot keeps its manifests; the committer then reports that snapshot.
   */
  static SnapshotAncestryValidator notYetCommitted(Table table, String runId, Collection<String> digests, Long checkedSnapshotId) {
    Set<String> wanted = Set.copyOf(digests);
    FileIO io = table.io();
    Map<String, Set<String>> read = new HashMap<>();
    return new SnapshotAncestryValidator() {
      private final Set<String> found = new LinkedHashSet<>();

      @Override
      public boolean validate(Iterable<Snapshot> ancestors) {
        found.clear();
        boolean sinceCheck = true;
        for (Snapshot snapshot : ancestors) {
          Map<String, String> summary = snapshot.summary();
          if (runId != null && summary != null && runId.equals(summary.get(RUN_ID))) {
            throw new AlreadyLandedException("run " + runId, snapshot.snapshotId());
          }
          if (checkedSnapshotId != null && snapshot.snapshotId() == checkedSnapshotId) {
            sinceCheck = false;
          }
          collect(snapshot, wanted, found);
          String ledgerFile = summary == null ? null : summary.get(Ledger.SUMMARY_FILE);
          if (sinceCheck && ledgerFile != null) {
            // Cached: Iceberg validates again on each of its retries.
            found.addAll(read.computeIfAbsent(ledgerFile, name -> {
              Set<String> inFile = new HashSet<>();
              LedgerFile.find(io, Ledger.location(table, name), -1, wanted, second -> true, inFile, new ObjectReads());
              return inFile;
            }));
          }
        }
        return found.isEmpty();
      }

      @Override
      public String errorMessage() {
        return "batches already committed by another run: " + found;
      }
    };
  }

  private static void collect(Snapshot snapshot, Set<String> wanted, Set<String> found) {
    collect(snapshot.summary() == null ? null : snapshot.summary().get(BATCH_IDS), wanted, found);
  }

  private static void collect(String ids, Set<String> wanted, Set<String> found) {
    if (ids == null || ids.isEmpty()) {
      return;
    }
    for (String id : ids.split(",")) {
      if (wanted.contains(id)) {
        found.add(id);
      }
    }
  }
}
