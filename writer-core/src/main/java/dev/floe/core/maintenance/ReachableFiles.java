package dev.floe.core.maintenance;

import dev.floe.core.commit.BatchLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.ReachableFileUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;

/**
 * Every file the table's current metadata reaches, as {@link Locations#normalize normalized}
 * locations: the current and previous {@code metadata.json} files of the metadata log, the version
 * hint, statistics and partition statistics files, and for every snapshot its manifest list, its
 * manifests and the data and delete files they list as live.
 */
final class ReachableFiles {
  private ReachableFiles() {}

  static Set<String> of(Table table) {
    if (!(table instanceof HasTableOperations)) {
      throw new IllegalArgumentException(
          "Cannot find the files of " + table.name() + ": " + table.getClass().getName() + " does not expose its metadata");
    }
    FileIO io = table.io();
    Map<Integer, PartitionSpec> specs = table.specs();
    Set<String> reachable = new HashSet<>();
    ReachableFileUtil.metadataFileLocations(table, false).forEach(location -> reachable.add(Locations.normalize(location)));
    reachable.add(Locations.normalize(ReachableFileUtil.versionHintLocation(table)));
    ReachableFileUtil.statisticsFilesLocations(table).forEach(location -> reachable.add(Locations.normalize(location)));
    BatchLedger.ledgerFiles(table).forEach(location -> reachable.add(Locations.normalize(location)));
    Set<String> manifestsRead = new HashSet<>();
    for (Snapshot snapshot : table.snapshots()) {
      if (snapshot.manifestListLocation() != null) {
        reachable.add(Locations.normalize(snapshot.manifestListLocation()));
      }
      for (ManifestFile manifest : snapshot.allManifests(io)) {
        if (!manifestsRead.add(manifest.path())) {
          continue;
        }
        reachable.add(Locations.normalize(manifest.path()));
        try (CloseableIterable<String> files = ManifestFiles.readPaths(manifest, io, specs)) {
          files.forEach(location -> reachable.add(Locations.normalize(location)));
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read manifest " + manifest.path() + ": " + e.getMessage(), e);
        }
      }
    }
    return reachable;
  }
}
