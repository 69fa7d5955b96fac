package dev.floe.core.maintenance;

import dev.floe.core.RunIds;
import dev.floe.core.commit.CommitMark;
import dev.floe.core.commit.VerifiedCommits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps metadata small: rewrites the current snapshot's data manifests when there are at least
 * {@code min-count} small ones (below {@code commit.manifest.target-size-bytes}), into manifests of
 * about that size; and makes sure old {@code metadata.json} versions are bounded, by setting {@code
 * write.metadata.delete-after-commit.enabled} and {@code write.metadata.previous-versions-max} where
 * they are missing (floe sets both when it creates a table). Versions that fell out of the
 * metadata log before that are orphans, for the orphan sweep.
 */
final class ManifestMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestMaintenance.class);

  private final Table table;
  private final ManifestOptions options;
  private final VerifiedCommits commits;
  private final Clock clock;

  ManifestMaintenance(Table table, ManifestOptions options, VerifiedCommits commits, Clock clock) {
    this.table = table;
    this.options = options;
    this.commits = commits;
    this.clock = clock;
  }

  ManifestResult preview() {
    return run(true);
  }

  ManifestResult run() {
    return run(false);
  }

  private ManifestResult run(boolean dryRun) {
    Instant start = clock.instant();
    table.refresh();
    Map<String, String> missing = missingRetentionProperties();
    String runId = RunIds.next(clock);
    if (!dryRun && !missing.isEmpty()) {
      commits.updateProperties(table, runId, "the property update of manifest maintenance " + runId, missing, Set.of());
      LOG.info("Manifests of {}: set {} to bound old metadata.json versions", table.name(), missing);
    }
    long target =
        PropertyUtil.propertyAsLong(
            table.properties(), TableProperties.MANIFEST_TARGET_SIZE_BYTES, TableProperties.MANIFEST_TARGET_SIZE_BYTES_DEFAULT);
    List<ManifestFile> before = dataManifests();
    long small = before.stream().filter(manifest -> manifest.length() < target).count();
    boolean rewrite = small >= options.minCount();
    Long snapshotId = null;
    int after = before.size();
    if (rewrite && !dryRun) {
      Snapshot snapshot =
          commits.commit(
              table, runId, "manifest rewrite " + runId, CommitMark.of(CompactionRunner.RUN_ID, runId),
              () -> table
                  .rewriteManifests()
                  .rewriteIf(manifest -> manifest.content() == ManifestContent.DATA && manifest.length() < target)
                  // One cluster per spec: the rewrite rolls manifests at the target size.
                  .clusterBy(file -> "all")
                  .set(CompactionRunner.OPERATION, "rewrite-manifests"));
      table.refresh();
      snapshotId = snapshot.snapshotId();
      after = dataManifests().size();
      LOG.info(
          "Manifests of {}: rewrote {} small data manifests as snapshot {}; {} -> {} data manifests",
          table.name(), small, snapshotId, before.size(), after);
    }
    int metadataFiles = ((HasTableOperations) table).operations().current().previousFiles().size() + 1;
    return new ManifestResult(
        table.name(), dryRun, before.size(), Math.toIntExact(small), after, rewrite, snapshotId, missing, metadataFiles,
        Duration.between(start, clock.instant()));
  }

  private Map<String, String> missingRetentionProperties() {
    Map<String, String> properties = table.properties();
    Map<String, String> missing = new TreeMap<>();
    // An explicit value, even "false", is the owner's choice and stays.
    if (!properties.containsKey(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED)) {
      missing.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
    }
    if (!properties.containsKey(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX)) {
      missing.put(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, Integer.toString(options.previousVersionsMax()));
    }
    return missing;
  }

  private List<ManifestFile> dataManifests() {
    Snapshot current = table.currentSnapshot();
    return current == null ? List.of() : current.dataManifests(table.io());
  }
}
