package dev.floe.core.commit;

import dev.floe.core.write.StorageErrors;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.exceptions.CleanableFailure;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path every floe commit takes (ingest appends, compaction, manifest rewrites, expiry,
 * property updates): commit, and when the commit throws, reload the table and look for the change
 * before saying anything about it.
 *
 * <ul>
 *   <li>the history shows the change: it landed (its answer was lost, or a resend found it), and it
 *       is the result;
 *   <li>otherwise, a {@link CommitFailedException} (a conflict Iceberg's own retries did not
 *       resolve): back off and commit again on the reloaded table, up to {@link
 *       CommitOptions#maxAttempts()}; then rethrown;
 *   <li>otherwise, any other Iceberg {@link CleanableFailure} (a validation failure, a refusal):
 *       rethrown. The commit definitely did not land; the caller may delete its files;
 *   <li>on the embedded catalog ({@link CommitOptions.Catalog#EMBEDDED}), any other failure:
 *       {@link CommitNotLandedException}. The reload is the whole truth there: the commit did not
 *       land and never will; the caller may delete its files;
 *   <li>any doubt (a reset or timed-out connection, {@code CommitStateUnknownException}, any
 *       exception that is not a {@code CleanableFailure}, a reload that fails): {@link
 *       CommitUnknownException}. The caller must keep its files; orphan removal collects them if
 *       the commit never lands.
 * </ul>
 *
 * <p>A storage failure that arrives as an Error (Hadoop's {@code FSError} for a full local disk,
 * from writing the new metadata or manifests) is handled as the exception it stands for.
 *
 * So a caller deletes what it wrote only when {@link #definitelyFailed} says so.
 */
public final class VerifiedCommits {
  private static final Logger LOG = LoggerFactory.getLogger(VerifiedCommits.class);

  /** One attempt: builds the change on the table as it is now and commits it. */
  public interface Attempt<T> {
    T commit();
  }

  /** The landed change in the reloaded table, if it is there. */
  public interface Landed<T> {
    Optional<T> in(Table table);
  }

  private final CommitOptions options;
  private final Committer.Sleeper sleeper;

  public VerifiedCommits(CommitOptions options, Committer.Sleeper sleeper) {
    this.options = Objects.requireNonNull(options, "options");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /** Whether a commit that threw {@code failure} through this class may have its files deleted. */
  public static boolean definitelyFailed(Throwable failure) {
    return failure instanceof CleanableFailure;
  }

  /**
   * Commits a change and returns what {@code attempt} returns, or what {@code landed} finds when
   * the commit threw but landed.
   *
   * @param runId the run the change belongs to, for {@link CommitUnknownException#runId()}
   * @param what names the change in messages: "run X", "compaction X of partition p"
   */
  public <T> T commit(Table table, String runId, String what, Attempt<T> attempt, Landed<T> landed) {
    for (int attemptNumber = 1; ; attemptNumber++) {
      RuntimeException failure;
      try {
        return attempt.commit();
      } catch (RuntimeException e) {
        failure = e;
      } catch (Error e) {
        failure = StorageErrors.unchecked(e, "Cannot write table metadata under " + table.location());
      }
      Optional<T> found = reload(table, runId, what, landed, failure);
      if (found.isPresent()) {
        LOG.warn("{} did land in {}; the catalog's answer to it was lost: {}", what, table.name(), failure.toString());
        return found.get();
      }
      if (!definitelyFailed(failure) && options.catalog() == CommitOptions.Catalog.EMBEDDED) {
        throw new CommitNotLandedException(
            "Cannot commit " + what + " to " + table.name() + ": " + failure.getMessage()
                + "; it did not land (the embedded catalog shows no such commit)",
            failure);
      }
      if (!definitelyFailed(failure)) {
        throw unknown(table, runId, what, failure, "the history does not show it");
      }
      if (failure instanceof UncheckedIOException && failure instanceof CleanableFailure) {
        // A storage failure before the catalog was asked (a full local disk): say what it failed.
        throw new CommitNotLandedException("Cannot commit " + what + " to " + table.name() + ": " + failure.getMessage(), failure);
      }
      if (!(failure instanceof CommitFailedException) || attemptNumber >= options.maxAttempts()) {
        throw failure;
      }
      Duration backoff = options.backoff(attemptNumber + 1);
      LOG.warn(
          "Commit of {} to {} failed (attempt {} of {}), retrying in {} ms: {}",
          what, table.name(), attemptNumber, options.maxAttempts(), backoff.toMillis(), failure.getMessage());
      pause(backoff, failure);
    }
  }

  /**
   * Commits the snapshot update {@code update} builds (afresh on each attempt), marked with {@code
   * mark} so that it is recognised in the history, and returns its snapshot.
   */
  public Snapshot commit(Table table, String runId, String what, CommitMark mark, Supplier<? extends SnapshotUpdate<?>> update) {
    return commit(
        table,
        runId,
        what,
        () -> {
          SnapshotUpdate<?> change = update.get();
          mark.summary().forEach(change::set);
          change.validateWith(mark.notYetLanded(what));
          change.commit();
          return mark.find(table)
              .orElseThrow(
                  () -> new IllegalStateException("Cannot find " + what + " in " + table.name() + " after its commit"));
        },
        mark::find);
  }

  /** Sets {@code set} and removes {@code remove} in the table properties. */
  public void updateProperties(Table table, String runId, String what, Map<String, String> set, Set<String> remove) {
    commit(
        table,
        runId,
        what,
        () -> {
          UpdateProperties update = table.updateProperties();
          set.forEach(update::set);
          remove.forEach(update::remove);
          update.commit();
          return Boolean.TRUE;
        },
        reloaded -> {
          Map<String, String> properties = reloaded.properties();
          boolean applied = set.entrySet().stream().allMatch(e -> e.getValue().equals(properties.get(e.getKey())))
              && remove.stream().noneMatch(properties::containsKey);
          return applied ? Optional.of(Boolean.TRUE) : Optional.empty();
        });
  }

  private static <T> Optional<T> reload(Table table, String runId, String what, Landed<T> landed, RuntimeException failure) {
    try {
      table.refresh();
      return landed.in(table);
    } catch (RuntimeException reloadFailure) {
      failure.addSuppressed(reloadFailure);
      throw unknown(table, runId, what, failure, "the table could not be reloaded to look for it (" + reloadFailure + ")");
    }
  }

  private static CommitUnknownException unknown(Table table, String runId, String what, RuntimeException failure, String why) {
    return new CommitUnknownException(
        runId,
        "Cannot tell whether " + what + " committed to " + table.name() + ": the commit failed with " + failure
            + " and " + why + ". Its files were NOT deleted: if the commit landed they are in use, otherwise"
            + " orphan removal deletes them later.",
        failure);
  }

  private void pause(Duration backoff, RuntimeException cause) {
    try {
      sleeper.sleep(backoff);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      cause.addSuppressed(interrupted);
      throw cause;
    }
  }
}
