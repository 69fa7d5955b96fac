package dev.floe.core.maintenance;

import dev.floe.core.commit.BatchLedger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Keeps floe's exactly-once record alive across snapshot expiry, pure: which table properties
 * must carry the batch digests of the snapshots about to expire, and which carried properties have
 * left the dedupe window. The expiry commits this as its own properties update <em>before</em> it
 * expires anything, so a crash in between leaves only redundant digests, pruned later.
 *
 * <p>floe's commits carry their own digests ({@link BatchLedger}); this carries the rest (snapshots
 * of older floe versions, digests whose property was lost): one property per snapshot, keyed by its
 * commit time: {@code floe.carried.<ms>} = the snapshot's digests not carried yet. A snapshot
 * committed before the window start is not carried: a batch offered again that late is outside the
 * documented window.
 */
final class DedupeCarryOver {
  /** A snapshot that may expire: its commit time and its {@link BatchLedger#BATCH_IDS} value. */
  record Expiring(long timestampMillis, String batchIds) {}

  /**
   * The properties update.
   *
   * @param snapshots how many expiring snapshots had digests carried
   * @param digests how many digests they carry
   */
  record Update(Map<String, String> set, Set<String> remove, int snapshots, int digests) {
    Update {
      set = Map.copyOf(set);
      remove = Set.copyOf(remove);
    }

    boolean isEmpty() {
      return set.isEmpty() && remove.isEmpty();
    }
  }

  private DedupeCarryOver() {}

  static Update plan(List<Expiring> expiring, Map<String, String> properties, Instant windowStart) {
    long windowStartMillis = windowStart.toEpochMilli();
    Set<String> alreadyCarried = BatchLedger.carried(properties);
    Map<String, Set<String>> carried = new TreeMap<>();
    int snapshots = 0;
    int digests = 0;
    for (Expiring snapshot : expiring) {
      Set<String> ids = BatchLedger.digests(snapshot.batchIds());
      ids.removeAll(alreadyCarried);
      if (snapshot.timestampMillis() < windowStartMillis || ids.isEmpty()) {
        continue;
      }
      String key = BatchLedger.carriedKey(snapshot.timestampMillis());
      carried.computeIfAbsent(key, k -> BatchLedger.digests(properties.get(k))).addAll(ids);
      snapshots++;
      digests += ids.size();
    }
    Map<String, String> set = new TreeMap<>();
    carried.forEach(
        (key, ids) -> {
          if (!ids.equals(BatchLedger.digests(properties.get(key)))) {
            set.put(key, String.join(",", ids));
          }
        });
    Set<String> remove = BatchLedger.carriedBefore(properties, windowStartMillis);
    return new Update(set, remove, snapshots, digests);
  }
}
