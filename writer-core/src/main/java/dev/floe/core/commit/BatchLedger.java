package dev.floe.core.commit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotAncestryValidator;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * The record of which batches are in the table. Every floe commit writes, in the same atomic step
 * as its data, the run id and a short digest of each batch id into its snapshot summary; a batch is
 * committed when a digest of its id is in the summary of a snapshot on the table's main-branch
 * history.
 *
 * <p>Snapshot expiry removes summaries, and any engine may expire snapshots (Spark's {@code
 * expire_snapshots} knows nothing of floe). So that a batch offered again after its snapshot
 * expired is still recognised, each commit also carries its digests in a table property ({@link
 * #CARRIED_PREFIX}) for the dedupe window, in the same transaction as its data, and prunes the
 * carried properties that left the window; {@link #committed} consults them too. Table properties
 * survive snapshot expiry. (floe's own expiry also carries digests of older snapshots that no
 * property carries yet.)
 *
 * <p>Digests (the first 96 bits of SHA-256, 16 base64url characters) keep summaries small however
 * long the ids are (S3 keys, file names), since every summary is kept in every {@code
 * metadata.json}; at 96 bits a collision among even 10^9 batches has probability ~10^-11.
 */
public final class BatchLedger {
  /** Snapshot summary key: the id of the floe run that made the snapshot. */
  public static final String RUN_ID = "floe.run-id";
  /** Snapshot summary key: comma-separated digests of the batch ids the snapshot contains. */
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

  /** Summary properties recording {@code digests} as committed by {@code runId}. */
  public static Map<String, String> summary(String runId, Collection<String> digests) {
    return Map.of(
        RUN_ID, runId,
        BATCH_IDS, String.join(",", digests),
        BATCH_COUNT, Integer.toString(digests.size()));
  }

  /**
   * Which of {@code digests} are already recorded on the table's current history, or carried over
   * from expired snapshots into its properties.
   */
  public static Set<String> committed(Table table, Collection<String> digests) {
    Set<String> wanted = new HashSet<>(digests);
    Set<String> found = new LinkedHashSet<>();
    if (wanted.isEmpty()) {
      return found;
    }
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      collect(snapshot, wanted, found);
      if (found.size() == wanted.size()) {
        return found;
      }
    }
    Set<String> carried = carried(table.properties());
    digests.stream().filter(carried::contains).forEach(found::add);
    return found;
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
   * committed the same batch after this run checked. Iceberg runs it against the latest table
   * state on every commit attempt, including its internal retries.
   */
  public static SnapshotAncestryValidator notYetCommitted(Collection<String> digests) {
    return notYetCommitted(null, digests);
  }

  /**
   * As {@link #notYetCommitted(Collection)}, and when the history already holds run {@code
   * runId}'s own snapshot (an earlier attempt landed but its answer was lost), stops the commit
   * with an exception that Iceberg does not clean up after, so the landed snapshot keeps its
   * manifests; the committer then reports that snapshot.
   */
  static SnapshotAncestryValidator notYetCommitted(String runId, Collection<String> digests) {
    Set<String> wanted = Set.copyOf(digests);
    return new SnapshotAncestryValidator() {
      private final Set<String> found = new LinkedHashSet<>();

      @Override
      public boolean validate(Iterable<Snapshot> ancestors) {
        found.clear();
        for (Snapshot snapshot : ancestors) {
          if (runId != null && snapshot.summary() != null && runId.equals(snapshot.summary().get(RUN_ID))) {
            throw new AlreadyLandedException("run " + runId, snapshot.snapshotId());
          }
          collect(snapshot, wanted, found);
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
