package dev.floe.core.commit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.exceptions.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a run's data files in one snapshot that also records the run id, and its batch digests in
 * the batch ledger (see {@link Ledger}), exactly once, through {@link VerifiedCommits}:
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
  private static final Logger LOG = LoggerFactory.getLogger(Committer.class);

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

  /** @param clock dates the batch ledger's entries, for the dedupe window */
  public Committer(CommitOptions options, Sleeper sleeper, Clock clock) {
    this.options = options;
    this.commits = new VerifiedCommits(options, sleeper);
    this.clock = clock;
  }

  /**
   * Commits {@code files} and returns the new snapshot.
   *
   * @param extraSummary more summary properties to record, set after floe's own
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
   * transaction, one new metadata version), and returns the new snapshot. The same step records
   * {@code batchDigests} in the batch ledger (see {@link Ledger}) for the dedupe window.
   */
  public Snapshot commit(
      Table table,
      List<DataFile> files,
      String runId,
      Collection<String> batchDigests,
      Map<String, String> extraSummary,
      Map<String, String> tableProperties) {
    // The state the run checked its batches against: the validation reads the ledger files of the
    // commits made since, however often the table is reloaded for a retry.
    Long checked = table.currentSnapshot() == null ? null : table.currentSnapshot().snapshotId();
    List<String> ledgerFiles = new ArrayList<>();
    Snapshot landed;
    try {
      landed = commits.commit(
          table,
          runId,
          "run " + runId,
          () -> attempt(table, files, runId, batchDigests, extraSummary, tableProperties, checked, ledgerFiles),
          reloaded -> BatchLedger.findRun(reloaded, runId));
    } catch (ValidationException e) {
      deleteLedgerFiles(table, ledgerFiles, null);
      throw new BatchesAlreadyCommittedException(
          "Cannot commit run " + runId + " to " + table.name() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (VerifiedCommits.definitelyFailed(e)) {
        deleteLedgerFiles(table, ledgerFiles, null);
      }
      throw e;
    }
    // Attempts that did not land wrote ledger files nothing names.
    deleteLedgerFiles(table, ledgerFiles, landed.summary().get(Ledger.SUMMARY_FILE));
    return landed;
  }

  private static void deleteLedgerFiles(Table table, List<String> names, String keep) {
    for (String name : names) {
      if (!name.equals(keep)) {
        try {
          table.io().deleteFile(Ledger.location(table, name));
        } catch (RuntimeException e) {
          LOG.warn("Cannot delete batch ledger file {} of a commit attempt that did not land: {}", name, e.toString());
        }
      }
    }
  }

  private Snapshot attempt(
      Table table,
      List<DataFile> files,
      String runId,
      Collection<String> batchDigests,
      Map<String, String> extraSummary,
      Map<String, String> tableProperties,
      Long checkedSnapshotId,
      List<String> ledgerFiles) {
    Map<String, String> set = new LinkedHashMap<>(tableProperties);
    long now = clock.millis();
    long oldestKept = Math.floorDiv(now - options.dedupeWindow().toMillis(), 1000L);
    // The batch ledger: this commit's digests in one file (merged with the parts it absorbs), named
    // by the snapshot summary and by a table property set in the same transaction.
    Ledger.Plan plan = Ledger.plan(Ledger.parts(table.properties()), batchDigests.size(), oldestKept);
    String ledgerName = runId + "." + (ledgerFiles.size() + 1) + ".ledger";
    ledgerFiles.add(ledgerName);
    LedgerFile.Written written = LedgerFile.write(table.io(), table.io().newOutputFile(Ledger.location(table, ledgerName)),
        batchDigests, Math.floorDiv(now, 1000L),
        plan.merged().stream().map(part -> Ledger.location(table, part.file())).toList(), oldestKept);
    String key = Ledger.key(plan.level(), runId);
    set.put(key, new Ledger.Part(key, plan.level(), ledgerName, written.entries(), written.oldestSeconds(),
        written.newestSeconds()).value());
    Set<String> remove = new TreeSet<>(plan.removedKeys());
    // Tables written by floe before the ledger: their carried digests leave with the window.
    remove.addAll(BatchLedger.carriedBefore(table.properties(), now - options.dedupeWindow().toMillis()));
    // A transaction, as it saves a catalog request: a plain append reads the table again after
    // committing (to clean up after failed attempts), a transaction takes the new metadata from the
    // catalog's answer. Started from the metadata the run holds (see LoadedOperations), it reads the
    // table once, just before committing, validates against that state (again on every retry), and
    // the catalog commits only if the table is still there.
    Transaction transaction = LoadedOperations.newTransaction(table);
    AppendFiles append = transaction.newAppend();
    files.forEach(append::appendFile);
    BatchLedger.summary(runId, batchDigests.size()).forEach(append::set);
    append.set(Ledger.SUMMARY_FILE, ledgerName);
    extraSummary.forEach(append::set);
    append.validateWith(BatchLedger.notYetCommitted(table, runId, batchDigests, checkedSnapshotId));
    append.commit();
    UpdateProperties properties = transaction.updateProperties();
    set.forEach(properties::set);
    remove.forEach(properties::remove);
    properties.commit();
    transaction.commitTransaction();
    return BatchLedger.findRun(table, runId)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Cannot find the snapshot of run " + runId + " in " + table.name() + " after its commit"));
  }
}
