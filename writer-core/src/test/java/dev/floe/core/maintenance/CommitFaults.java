package dev.floe.core.maintenance;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Catalog commits that fail the way a network or a REST client does: the catalog applies the
 * commit, then the answer is lost. The table's operations are a Mockito spy; only the matching
 * catalog commits are changed.
 */
final class CommitFaults {
  private CommitFaults() {}

  /** A compaction commit (a new snapshot that records a group). */
  static final BiPredicate<TableMetadata, TableMetadata> COMPACTION =
      (base, updated) -> newSnapshot(base, updated) && updated.currentSnapshot().summary().containsKey(CompactionRunner.GROUP);

  /** A manifest rewrite commit. */
  static final BiPredicate<TableMetadata, TableMetadata> MANIFEST_REWRITE =
      (base, updated) -> newSnapshot(base, updated)
          && "rewrite-manifests".equals(updated.currentSnapshot().summary().get(CompactionRunner.OPERATION));

  /** A commit that changes table properties only. */
  static final BiPredicate<TableMetadata, TableMetadata> PROPERTIES =
      (base, updated) -> !newSnapshot(base, updated) && !base.properties().equals(updated.properties());

  /** A commit that removes snapshots (expiry). */
  static final BiPredicate<TableMetadata, TableMetadata> EXPIRY =
      (base, updated) -> updated.snapshots().size() < base.snapshots().size();

  /** What a client sees when the connection is reset after the request was sent. */
  static RuntimeException connectionReset() {
    return new UncheckedIOException("Connection reset", new java.net.SocketException("Connection reset"));
  }

  /**
   * {@code table} over a spy of its operations whose first {@code times} catalog commits that
   * {@code match} are applied and then throw {@code error}: the catalog has the change, the caller
   * does not know it.
   */
  static Table landsThenFails(
      Table table, BiPredicate<TableMetadata, TableMetadata> match, int times, Supplier<RuntimeException> error) {
    return withCommits(table, match, times, () -> {}, error);
  }

  /** As {@link #landsThenFails}, with {@code between} run after the commit landed, before it fails. */
  static Table landsThenFails(
      Table table, BiPredicate<TableMetadata, TableMetadata> match, int times, Runnable between, Supplier<RuntimeException> error) {
    return withCommits(table, match, times, between, error);
  }

  /** The catalog never sees the matching commits: they fail with {@code error}. */
  static Table failsWithoutLanding(
      Table table, BiPredicate<TableMetadata, TableMetadata> match, Supplier<RuntimeException> error) {
    return withCommits(table, match, Integer.MAX_VALUE, null, error);
  }

  private static Table withCommits(
      Table table, BiPredicate<TableMetadata, TableMetadata> match, int times, Runnable landThen, Supplier<RuntimeException> error) {
    TableOperations ops = spy(((HasTableOperations) table).operations());
    AtomicInteger failed = new AtomicInteger();
    doAnswer(
            invocation -> {
              TableMetadata base = invocation.getArgument(0);
              TableMetadata updated = invocation.getArgument(1);
              if (!match.test(base, updated) || failed.get() >= times) {
                return invocation.callRealMethod();
              }
              failed.incrementAndGet();
              if (landThen != null) {
                invocation.callRealMethod();
                landThen.run();
              }
              throw error.get();
            })
        .when(ops)
        .commit(any(), any());
    return new BaseTable(ops, table.name());
  }

  private static boolean newSnapshot(TableMetadata base, TableMetadata updated) {
    Snapshot snapshot = updated.currentSnapshot();
    return snapshot != null
        && (base.currentSnapshot() == null || snapshot.snapshotId() != base.currentSnapshot().snapshotId());
  }

  /**
   * The files the table references that do not exist: every snapshot's manifest list and manifests,
   * and the current snapshot's live data files. Empty for a table every reader can read.
   */
  static List<String> missingReferencedFiles(Table table) {
    table.refresh();
    List<String> missing = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      if (!exists(table, snapshot.manifestListLocation())) {
        missing.add(snapshot.manifestListLocation());
        continue;
      }
      for (ManifestFile manifest : snapshot.allManifests(table.io())) {
        if (!exists(table, manifest.path())) {
          missing.add(manifest.path());
        } else if (manifest.content() == ManifestContent.DATA
            && snapshot.snapshotId() == table.currentSnapshot().snapshotId()) {
          try (CloseableIterable<DataFile> files = ManifestFiles.read(manifest, table.io(), table.specs())) {
            files.forEach(file -> {
              if (!exists(table, file.location())) {
                missing.add(file.location());
              }
            });
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }
    return missing.stream().distinct().toList();
  }

  private static boolean exists(Table table, String location) {
    return table.io().newInputFile(location).exists();
  }
}
