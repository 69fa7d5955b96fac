package dev.floe.core.commit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotAncestryValidator;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Snapshot summary properties that one commit alone sets (a run id, and a group index when a run
 * commits several times), so that the commit recognises its own snapshot in the table history
 * after its answer was lost. Kept short: every summary is kept in every {@code metadata.json}.
 */
public record CommitMark(Map<String, String> summary) {
  public CommitMark {
    if (summary.isEmpty()) {
      throw new IllegalArgumentException("Invalid commit mark: no summary properties");
    }
    summary = Map.copyOf(summary);
  }

  /** A mark of alternating keys and values. */
  public static CommitMark of(String... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("Invalid commit mark: a key without a value");
    }
    Map<String, String> summary = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      summary.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return new CommitMark(summary);
  }

  public boolean marks(Snapshot snapshot) {
    Map<String, String> properties = snapshot.summary();
    return properties != null && summary.entrySet().stream().allMatch(e -> e.getValue().equals(properties.get(e.getKey())));
  }

  /** The marked snapshot on the table's current main-branch history, if any. */
  public Optional<Snapshot> find(Table table) {
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      if (marks(snapshot)) {
        return Optional.of(snapshot);
      }
    }
    return Optional.empty();
  }

  /**
   * Stops a commit attempt whose base history already holds the marked snapshot, with an exception
   * that Iceberg does not clean up after (see {@link AlreadyLandedException}).
   */
  SnapshotAncestryValidator notYetLanded(String what) {
    return new SnapshotAncestryValidator() {
      @Override
      public boolean validate(Iterable<Snapshot> ancestors) {
        for (Snapshot snapshot : ancestors) {
          if (marks(snapshot)) {
            throw new AlreadyLandedException(what, snapshot.snapshotId());
          }
        }
        return true;
      }

      @Override
      public String errorMessage() {
        return "";
      }
    };
  }
}
