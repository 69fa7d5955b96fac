package dev.floe.core.maintenance;

import java.time.Duration;
import java.util.Map;

/**
 * What the manifest and metadata step did (or, for a dry run, would do).
 *
 * @param manifestsBefore data manifests of the current snapshot before
 * @param smallManifests of those, the ones below the table's target manifest size
 * @param manifestsAfter data manifests after (for a dry run, the same as before)
 * @param snapshotId the rewrite's commit, null when manifests were not rewritten
 * @param propertiesSet metadata retention properties that were missing and are set (or would be)
 * @param metadataFiles {@code metadata.json} files in the metadata log, the current one included
 */
public record ManifestResult(
    String table,
    boolean dryRun,
    int manifestsBefore,
    int smallManifests,
    int manifestsAfter,
    boolean rewritten,
    Long snapshotId,
    Map<String, String> propertiesSet,
    int metadataFiles,
    Duration duration) {

  public ManifestResult {
    propertiesSet = Map.copyOf(propertiesSet);
  }

  public String summary() {
    return String.format(
        "manifests%s: %d -> %d data manifests (%d small, %s); %d metadata.json versions kept%s",
        dryRun ? " (dry run)" : "", manifestsBefore, manifestsAfter, smallManifests,
        rewritten ? (dryRun ? "would rewrite" : "rewritten") : "not rewritten", metadataFiles,
        propertiesSet.isEmpty() ? "" : "; set " + new java.util.TreeMap<>(propertiesSet));
  }
}
