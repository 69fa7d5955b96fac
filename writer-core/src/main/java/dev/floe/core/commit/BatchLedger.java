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
 * <p>Snapshot expiry removes summaries. So that a batch offered again after its snapshot expired is
 * still recognised, maintenance carries the digests of expiring snapshots still inside the dedupe
 * window into table properties first ({@link #CARRIED_PREFIX}), and {@link #committed} consults
 * them too.
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
   * Table property prefix: {@code floe.carried.<snapshot commit time in ms>} holds the
   * comma-separated batch digests of an expired snapshot (of several, when they share a
   * millisecond).
   */
  public static final String CARRIED_PREFIX = "floe.carried.";

  private BatchLedger() {}

  /** The table property that carries the digests of a snapshot committed at {@code timestampMillis}. */
  public static String carriedKey(long timestampMillis) {
    return CARRIED_PREFIX + timestampMillis;
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
    table.properties().forEach(
        (key, ids) -> {
          if (key.startsWith(CARRIED_PREFIX)) {
            collect(ids, wanted, found);
          }
        });
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
            throw new RunAlreadyCommittedException(runId, snapshot.snapshotId());
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
