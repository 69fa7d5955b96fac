package dev.floe.core.commit;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.exceptions.CleanableFailure;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.RESTException;
import org.apache.iceberg.exceptions.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a run's data files in one snapshot that also records the run id and its batch digests
 * (see {@link BatchLedger}), exactly once:
 *
 * <ul>
 *   <li>{@link CommitFailedException} (a conflict Iceberg's own retries did not resolve): reload,
 *       back off, try again, up to {@link CommitOptions#maxAttempts()}; then rethrown.
 *   <li>a concurrent run committed one of the batches: {@link BatchesAlreadyCommittedException};
 *       nothing was committed.
 *   <li>{@link CommitStateUnknownException}, or the conversation with the catalog broke during the
 *       commit (a reset or a time-out: the request may have been applied): reload and look for the
 *       run id in the history; found means committed, otherwise {@link CommitUnknownException} and
 *       the caller must not delete.
 *   <li>an earlier attempt landed though its answer was lost, and the client sent the commit again:
 *       the validation finds the run's own snapshot and that snapshot is the result.
 * </ul>
 */
public final class Committer {
  private static final Logger LOG = LoggerFactory.getLogger(Committer.class);

  /** Waits between attempts; tests pass one that does not sleep. */
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final CommitOptions options;
  private final Sleeper sleeper;
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
    this.sleeper = sleeper;
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
    for (int attempt = 1; ; attempt++) {
      try {
        return attempt(table, files, runId, batchDigests, extraSummary, tableProperties);
      } catch (CommitFailedException e) {
        if (attempt >= options.maxAttempts()) {
          throw e;
        }
        Duration backoff = options.backoff(attempt + 1);
        LOG.warn(
            "Commit of run {} to {} failed (attempt {} of {}), retrying in {} ms: {}",
            runId, table.name(), attempt, options.maxAttempts(), backoff.toMillis(), e.getMessage());
        pause(backoff, e);
        table.refresh();
      }
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
    try {
      append.commit();
      if (!set.isEmpty() || !remove.isEmpty()) {
        UpdateProperties properties = transaction.updateProperties();
        set.forEach(properties::set);
        remove.forEach(properties::remove);
        properties.commit();
      }
      transaction.commitTransaction();
    } catch (ValidationException e) {
      throw new BatchesAlreadyCommittedException(
          "Cannot commit run " + runId + " to " + table.name() + ": " + e.getMessage(), e);
    } catch (CommitStateUnknownException e) {
      return recoverUnknownState(table, runId, e);
    } catch (RunAlreadyCommittedException e) {
      LOG.warn("Commit of run {} to {} had already landed; the catalog's answer to it was lost", runId, table.name());
      table.refresh();
      return ownSnapshot(table, runId);
    } catch (RuntimeException e) {
      if (answerMayBeLost(e)) {
        return recoverUnknownState(table, runId, new CommitStateUnknownException(e));
      }
      throw e;
    }
    return ownSnapshot(table, runId);
  }

  /**
   * Whether a failed commit may still have reached the catalog: the conversation with it broke
   * (connection reset, read time-out, an unreadable answer) rather than the catalog refusing. That
   * is Iceberg's own rule for keeping files: a failure that is not a {@link CleanableFailure}.
   * Storage failures (writing manifests) come before the request and are definite.
   */
  static boolean answerMayBeLost(RuntimeException failure) {
    if (failure instanceof CleanableFailure) {
      return false;
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof RESTException && !(cause instanceof CleanableFailure)) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  private static Snapshot ownSnapshot(Table table, String runId) {
    return BatchLedger.findRun(table, runId)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Cannot find the snapshot of run " + runId + " in " + table.name() + " after its commit"));
  }

  private static Snapshot recoverUnknownState(Table table, String runId, CommitStateUnknownException e) {
    LOG.warn("Commit state of run {} to {} is unknown; checking the table history", runId, table.name());
    Optional<Snapshot> landed;
    try {
      table.refresh();
      landed = BatchLedger.findRun(table, runId);
    } catch (RuntimeException reloadFailure) {
      e.addSuppressed(reloadFailure);
      landed = Optional.empty();
    }
    if (landed.isPresent()) {
      LOG.info("Run {} did commit to {} as snapshot {}", runId, table.name(), landed.get().snapshotId());
      return landed.get();
    }
    throw new CommitUnknownException(
        runId,
        "Cannot tell whether run "
            + runId
            + " committed to "
            + table.name()
            + ": the catalog did not answer and the history does not show it yet. Its data files"
            + " were NOT deleted; the next run skips its batches if the commit landed.",
        e);
  }

  private void pause(Duration backoff, CommitFailedException cause) {
    try {
      sleeper.sleep(backoff);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      cause.addSuppressed(interrupted);
      throw cause;
    }
  }
}
