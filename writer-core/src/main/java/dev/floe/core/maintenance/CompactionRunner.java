package dev.floe.core.maintenance;

import dev.floe.core.RunIds;
import dev.floe.core.commit.CommitOptions;
import dev.floe.core.commit.CommitMark;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.commit.Committer;
import dev.floe.core.commit.VerifiedCommits;
import dev.floe.core.maintenance.CompactionResult.GroupResult;
import dev.floe.core.maintenance.CompactionResult.Status;
import dev.floe.core.write.WriteOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a {@link CompactionPlan} group by group: rewrite the group's rows into new files, then
 * commit a {@link RewriteFiles} that replaces exactly those files, validated against every change
 * since the plan's snapshot. Each group is its own commit, so a crash or a conflict loses only the
 * group in flight. Concurrent appends (ingest) do not conflict.
 *
 * Commits go through {@link VerifiedCommits}, marked with the run id and the group index:
 *
 * <ul>
 *   <li>{@link CommitFailedException} after every attempt, or {@link ValidationException} (an input
 *       file was removed, or deletes were added for it, by a concurrent change), and the history
 *       shows no commit of the group: the group is skipped and its new files are deleted.
 *   <li>the commit threw but the history shows it (a reset connection, a resend): committed.
 *   <li>any doubt: {@link CommitUnknownException}, the new files are kept and the run stops.
 * </ul>
 *
 * Any other failure (an unreadable input file, a storage error while rewriting) deletes the group's
 * new files and stops the run; the groups committed before it stay committed.
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
  private final VerifiedCommits commits;
  private final Clock clock;
  private final Path tempDirectory;
  private final MaintenanceProgress.Listener progress;

  CompactionRunner(
      Table table,
      CompactionOptions options,
      WriteOptions write,
      CommitOptions commit,
      Committer.Sleeper sleeper,
      Clock clock,
      Path tempDirectory,
      MaintenanceProgress.Listener progress) {
    this.table = table;
    this.options = options;
    this.write = write.withTargetFileSize(options.targetFileSize());
    this.commit = commit;
    this.commits = new VerifiedCommits(commit, sleeper);
    this.clock = clock;
    this.tempDirectory = tempDirectory;
    this.progress = progress;
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
      int groups = plan.groups().size();
      long bytesDone = 0;
      progress.update(new MaintenanceProgress(MaintenanceProgress.COMPACTION, 0, groups, 0, plan.inputBytes()));
      for (int index = 0; index < groups; index++) {
        results.add(rewriteAndCommit(plan, rewriter, runId, index));
        bytesDone += plan.groups().get(index).bytes();
        progress.update(new MaintenanceProgress(MaintenanceProgress.COMPACTION, index + 1, groups, bytesDone, plan.inputBytes()));
      }
    }
    return result(plan, runId, results, Duration.between(start, clock.instant()));
  }

  private GroupResult rewriteAndCommit(CompactionPlan plan, GroupRewriter rewriter, String runId, int index) {
    FileGroup group = plan.groups().get(index);
    List<DataFile> outputs = rewriter.rewrite(group, runId, index);
    long outputBytes = outputs.stream().mapToLong(DataFile::fileSizeInBytes).sum();
    String what = "compaction " + runId + " of partition " + group.partition();
    Snapshot snapshot;
    try {
      snapshot =
          commits.commit(
              table, runId, what, CommitMark.of(RUN_ID, runId, GROUP, Integer.toString(index)),
              () -> {
                RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(plan.startingSnapshotId());
                group.files().forEach(rewrite::deleteFile);
                outputs.forEach(rewrite::addFile);
                return rewrite.set(OPERATION, "compaction");
              });
    } catch (CommitFailedException e) {
      return skipped(group, outputs, "commit kept failing after " + commit.maxAttempts() + " attempts");
    } catch (ValidationException e) {
      return skipped(group, outputs, e.getMessage());
    } catch (RuntimeException | Error e) {
      // Only a definite failure deletes: after any doubt the files may be what the table references.
      if (VerifiedCommits.definitelyFailed(e)) {
        GroupRewriter.deleteAll(table, outputs.stream().map(DataFile::location).toList());
      }
      throw e;
    }
    LOG.info(
        "Compaction {} of {}: committed {} as snapshot {}: {} files ({}) -> {} files ({})",
        runId, table.name(), group.partition(), snapshot.snapshotId(), group.files().size(),
        Bytes.format(group.bytes()), outputs.size(), Bytes.format(outputBytes));
    return new GroupResult(
        group.partition(), Status.COMMITTED, group.files().size(), group.bytes(), group.records(), outputs.size(),
        outputBytes, snapshot.snapshotId(), null);
  }

  private GroupResult skipped(FileGroup group, List<DataFile> outputs, String reason) {
    LOG.warn(
        "Compaction of {} skipped partition {}: {}; its {} new files are deleted and a later run plans it again",
        table.name(), group.partition(), reason, outputs.size());
    GroupRewriter.deleteAll(table, outputs.stream().map(DataFile::location).toList());
    return new GroupResult(
        group.partition(), Status.CONFLICT, group.files().size(), group.bytes(), group.records(), 0, 0, null, reason);
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
