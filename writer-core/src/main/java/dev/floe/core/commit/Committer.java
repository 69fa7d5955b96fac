package dev.floe.core.commit;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.exceptions.ValidationException;

/**
 * Appends a run's data files in one snapshot that also records the run id and its batch digests
 * (see {@link BatchLedger}), exactly once, through {@link VerifiedCommits}:
 *
 * <ul>
 *   <li>a concurrent run committed one of the batches: {@link BatchesAlreadyCommittedException};
 *       nothing was committed.
 *   <li>an earlier attempt landed though its answer was lost (a reset, a time-out, a resend after a
 *       503): the run's own snapshot, found by its run id, is the result.
 *   <li>any doubt, including a reload that fails: {@link CommitUnknownException}, and the caller
 *       must not delete.
 *   <li>conflicts Iceberg's own retries did not resolve: retried by {@link VerifiedCommits}, then
 *       the {@code CommitFailedException} is rethrown.
 * </ul>
 */
public final class Committer {
  /** Waits between attempts; tests pass one that does not sleep. */
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final CommitOptions options;
  private final VerifiedCommits commits;
  private final Clock clock;

  public Committer(CommitOptions options) {
    this(options, Clock.systemUTC());
  }

  public Committer(CommitOptions options, Clock clock) {
    this(options, duration -> Thread.sleep(duration.toMillis()), clock);
  }

  public Committer(CommitOptions options, Sleeper sleeper) {
    this(options, sleeper, Clock.systemUTC());
  }

  /** @param clock dates the carried digests (see {@link BatchLedger#carriedKey(long, String)}) */
  public Committer(CommitOptions options, Sleeper sleeper, Clock clock) {
    this.options = options;
    this.commits = new VerifiedCommits(options, sleeper);
    this.clock = clock;
  }

  /**
   * Commits {@code files} and returns the new snapshot.
   *
   * @param extraSummary more summary properties to record, set after floe's own (so a caller may
   *     override {@link BatchLedger#BATCH_COUNT} when it records fewer digests than batches)
   */
  public Snapshot commit(
      Table table,
      List<DataFile> files,
      String runId,
      Collection<String> batchDigests,
      Map<String, String> extraSummary) {
    return commit(table, files, runId, batchDigests, extraSummary, Map.of());
  }

  /**
   * Commits {@code files} and sets {@code tableProperties} in the same atomic step (one
   * transaction, one new metadata version), and returns the new snapshot. The same step carries
   * {@code batchDigests} in a table property for the dedupe window and prunes carried properties
   * that left it (see {@link BatchLedger}).
   */
  public Snapshot commit(
      Table table,
      List<DataFile> files,
      String runId,
      Collection<String> batchDigests,
      Map<String, String> extraSummary,
      Map<String, String> tableProperties) {
    try {
      return commits.commit(
          table,
          runId,
          "run " + runId,
          () -> attempt(table, files, runId, batchDigests, extraSummary, tableProperties),
          reloaded -> BatchLedger.findRun(reloaded, runId));
    } catch (ValidationException e) {
      throw new BatchesAlreadyCommittedException(
          "Cannot commit run " + runId + " to " + table.name() + ": " + e.getMessage(), e);
    }
  }

  private Snapshot attempt(
      Table table,
      List<DataFile> files,
      String runId,
      Collection<String> batchDigests,
      Map<String, String> extraSummary,
      Map<String, String> tableProperties) {
    Map<String, String> set = new LinkedHashMap<>(tableProperties);
    long now = clock.millis();
    if (!options.dedupeWindow().isZero() && !batchDigests.isEmpty()) {
      set.put(BatchLedger.carriedKey(now, runId), String.join(",", batchDigests));
    }
    Set<String> remove = BatchLedger.carriedBefore(table.properties(), now - options.dedupeWindow().toMillis());
    // A transaction even with no properties to set, as it saves a catalog request: a plain append
    // reads the table again after committing (to clean up after failed attempts), a transaction
    // takes the new metadata from the catalog's answer. Started from the metadata the run holds
    // (see LoadedOperations), it reads the table once, just before committing, validates against
    // that state (again on every retry), and the catalog commits only if the table is still there.
    Transaction transaction = LoadedOperations.newTransaction(table);
    AppendFiles append = transaction.newAppend();
    files.forEach(append::appendFile);
    BatchLedger.summary(runId, batchDigests).forEach(append::set);
    extraSummary.forEach(append::set);
    append.validateWith(BatchLedger.notYetCommitted(runId, batchDigests));
    append.commit();
    if (!set.isEmpty() || !remove.isEmpty()) {
      UpdateProperties properties = transaction.updateProperties();
      set.forEach(properties::set);
      remove.forEach(properties::remove);
      properties.commit();
    }
    transaction.commitTransaction();
    return BatchLedger.findRun(table, runId)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Cannot find the snapshot of run " + runId + " in " + table.name() + " after its commit"));
  }
}
