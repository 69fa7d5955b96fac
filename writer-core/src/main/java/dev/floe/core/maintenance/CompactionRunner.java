package dev.floe.core.maintenance;

import dev.floe.core.RunIds;
import dev.floe.core.commit.CommitOptions;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.commit.Committer;
import dev.floe.core.maintenance.CompactionResult.GroupResult;
import dev.floe.core.maintenance.CompactionResult.Status;
import dev.floe.core.write.WriteOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a {@link CompactionPlan} group by group: rewrite the group's rows into new files, then
 * commit a {@link RewriteFiles} that replaces exactly those files, validated against every change
 * since the plan's snapshot. Each group is its own commit, so a crash or a conflict loses only the
 * group in flight. Concurrent appends (ingest) do not conflict.
 *
 * <ul>
 *   <li>{@link CommitFailedException} after Iceberg's own retries: reload, back off, commit the same
 *       new files again, up to {@link CommitOptions#maxAttempts()}; then the group is skipped.
 *   <li>{@link ValidationException} (an input file was removed, or deletes were added for it, by a
 *       concurrent change): the group is skipped. Either way its new files are deleted.
 *   <li>{@link CommitStateUnknownException}: the history is checked for the group's commit; if it is
 *       not there, {@link CommitUnknownException} and the new files are kept.
 * </ul>
 *
 * Any other failure (an unreadable input file, a storage error) deletes the group's new files and
 * stops the run; the groups committed before it stay committed.
 */
final class CompactionRunner {
  private static final Logger LOG = LoggerFactory.getLogger(CompactionRunner.class);

  /** Snapshot summary key: the maintenance run that made the snapshot. */
  static final String RUN_ID = "floe.maintenance.run-id";
  /** Snapshot summary key: which maintenance operation made the snapshot. */
  static final String OPERATION = "floe.maintenance.operation";
  /** Snapshot summary key: the plan's group a compaction snapshot commits. */
  static final String GROUP = "floe.maintenance.group";

  private final Table table;
  private final CompactionOptions options;
  private final WriteOptions write;
  private final CommitOptions commit;
  private final Committer.Sleeper sleeper;
  private final Clock clock;
  private final Path tempDirectory;

  CompactionRunner(
      Table table,
      CompactionOptions options,
      WriteOptions write,
      CommitOptions commit,
      Committer.Sleeper sleeper,
      Clock clock,
      Path tempDirectory) {
    this.table = table;
    this.options = options;
    this.write = write.withTargetFileSize(options.targetFileSize());
    this.commit = commit;
    this.sleeper = sleeper;
    this.clock = clock;
    this.tempDirectory = tempDirectory;
  }

  CompactionResult run(CompactionPlan plan) {
    Instant start = clock.instant();
    String runId = RunIds.next(clock);
    List<GroupResult> results = new ArrayList<>();
    if (!plan.isEmpty()) {
      LOG.info(
          "Compaction {} of {}: {} groups, {} files ({}) from snapshot {}",
          runId, table.name(), plan.groups().size(), plan.inputFiles(), Bytes.format(plan.inputBytes()),
          plan.startingSnapshotId());
      GroupRewriter rewriter = new GroupRewriter(table, write, options, tempDirectory);
      for (int index = 0; index < plan.groups().size(); index++) {
        results.add(rewriteAndCommit(plan, rewriter, runId, index));
      }
    }
    return result(plan, runId, results, Duration.between(start, clock.instant()));
  }

  private GroupResult rewriteAndCommit(CompactionPlan plan, GroupRewriter rewriter, String runId, int index) {
    FileGroup group = plan.groups().get(index);
    List<DataFile> outputs = rewriter.rewrite(group, runId, index);
    long outputBytes = outputs.stream().mapToLong(DataFile::fileSizeInBytes).sum();
    try {
      Optional<Snapshot> snapshot = commit(plan.startingSnapshotId(), group, outputs, runId, index);
      if (snapshot.isEmpty()) {
        return skipped(group, outputs, "commit kept failing after " + commit.maxAttempts() + " attempts");
      }
      LOG.info(
          "Compaction {} of {}: committed {} as snapshot {}: {} files ({}) -> {} files ({})",
          runId, table.name(), group.partition(), snapshot.get().snapshotId(), group.files().size(),
          Bytes.format(group.bytes()), outputs.size(), Bytes.format(outputBytes));
      return new GroupResult(
          group.partition(), Status.COMMITTED, group.files().size(), group.bytes(), group.records(), outputs.size(),
          outputBytes, snapshot.get().snapshotId(), null);
    } catch (ValidationException e) {
      return skipped(group, outputs, e.getMessage());
    } catch (CommitUnknownException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      GroupRewriter.deleteAll(table, outputs.stream().map(DataFile::location).toList());
      throw e;
    }
  }

  /** The group's snapshot, or empty when commits kept failing. */
  private Optional<Snapshot> commit(Long startingSnapshotId, FileGroup group, List<DataFile> outputs, String runId, int index) {
    for (int attempt = 1; ; attempt++) {
      RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(startingSnapshotId);
      group.files().forEach(rewrite::deleteFile);
      outputs.forEach(rewrite::addFile);
      rewrite.set(RUN_ID, runId).set(OPERATION, "compaction").set(GROUP, Integer.toString(index));
      try {
        rewrite.commit();
        return Optional.of(
            find(runId, index)
                .orElseThrow(
                    () -> new IllegalStateException(
                        "Cannot find compaction " + runId + " group " + index + " in " + table.name() + " after its commit")));
      } catch (CommitFailedException e) {
        if (attempt >= commit.maxAttempts()) {
          LOG.warn("Compaction {} of {}: giving up on {}: {}", runId, table.name(), group.partition(), e.getMessage());
          return Optional.empty();
        }
        Duration backoff = commit.backoff(attempt + 1);
        LOG.warn(
            "Compaction {} of {}: commit of {} failed (attempt {} of {}), retrying in {} ms: {}",
            runId, table.name(), group.partition(), attempt, commit.maxAttempts(), backoff.toMillis(), e.getMessage());
        pause(backoff, e);
        table.refresh();
      } catch (CommitStateUnknownException e) {
        return Optional.of(recoverUnknownState(group, runId, index, e));
      }
    }
  }

  private Snapshot recoverUnknownState(FileGroup group, String runId, int index, CommitStateUnknownException e) {
    LOG.warn("Compaction {} of {}: commit state of {} is unknown; checking the history", runId, table.name(), group.partition());
    Optional<Snapshot> landed;
    try {
      table.refresh();
      landed = find(runId, index);
    } catch (RuntimeException reloadFailure) {
      e.addSuppressed(reloadFailure);
      landed = Optional.empty();
    }
    if (landed.isPresent()) {
      return landed.get();
    }
    throw new CommitUnknownException(
        runId,
        "Cannot tell whether compaction " + runId + " of " + table.name() + " committed partition " + group.partition()
            + ": the catalog did not answer and the history does not show it yet. Its new files were NOT deleted;"
            + " if the commit did not land, orphan removal deletes them later.",
        e);
  }

  private Optional<Snapshot> find(String runId, int index) {
    String group = Integer.toString(index);
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      if (runId.equals(snapshot.summary().get(RUN_ID)) && group.equals(snapshot.summary().get(GROUP))) {
        return Optional.of(snapshot);
      }
    }
    return Optional.empty();
  }

  private GroupResult skipped(FileGroup group, List<DataFile> outputs, String reason) {
    LOG.warn(
        "Compaction of {} skipped partition {}: {}; its {} new files are deleted and a later run plans it again",
        table.name(), group.partition(), reason, outputs.size());
    GroupRewriter.deleteAll(table, outputs.stream().map(DataFile::location).toList());
    return new GroupResult(
        group.partition(), Status.CONFLICT, group.files().size(), group.bytes(), group.records(), 0, 0, null, reason);
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

  private static CompactionResult result(CompactionPlan plan, String runId, List<GroupResult> groups, Duration duration) {
    List<GroupResult> committed = groups.stream().filter(g -> g.status() == Status.COMMITTED).toList();
    int rewritten = committed.stream().mapToInt(GroupResult::inputFiles).sum();
    long rewrittenBytes = committed.stream().mapToLong(GroupResult::inputBytes).sum();
    int written = committed.stream().mapToInt(GroupResult::outputFiles).sum();
    long writtenBytes = committed.stream().mapToLong(GroupResult::outputBytes).sum();
    return new CompactionResult(
        plan.table(), runId, false, plan.tableFiles(), plan.tableBytes(), plan.tableFiles() - rewritten + written,
        plan.tableBytes() - rewrittenBytes + writtenBytes, plan.groups().size(), committed.size(),
        groups.size() - committed.size(), rewritten, rewrittenBytes, written, writtenBytes, groups, plan.skipped(),
        duration);
  }
}
