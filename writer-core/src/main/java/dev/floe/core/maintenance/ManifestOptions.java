package dev.floe.core.maintenance;

import dev.floe.core.config.InvalidConfigException;

/**
 * Manifest rewriting and the bound on old {@code metadata.json} versions.
 *
 * @param minCount manifests are rewritten when the current snapshot has at least this many small
 *     data manifests (smaller than the table's {@code commit.manifest.target-size-bytes})
 * @param previousVersionsMax the value set for {@code write.metadata.previous-versions-max} (with
 *     {@code write.metadata.delete-after-commit.enabled=true}) on a table that has neither
 */
public record ManifestOptions(int minCount, int previousVersionsMax) {
  public static final String MIN_COUNT = "maintain.manifests.min-count";
  public static final int DEFAULT_MIN_COUNT = 32;
  public static final String PREVIOUS_VERSIONS_MAX = "maintain.metadata.previous-versions-max";
  /** The value floe sets when it creates a table. */
  public static final int DEFAULT_PREVIOUS_VERSIONS_MAX = 100;

  public ManifestOptions {
    if (minCount < 2) {
      throw new InvalidConfigException("Invalid manifests min count: " + minCount + " (at least 2)");
    }
    if (previousVersionsMax < 1) {
      throw new InvalidConfigException("Invalid metadata previous versions max: " + previousVersionsMax + " (at least 1)");
    }
  }

  public static ManifestOptions defaults() {
    return new ManifestOptions(DEFAULT_MIN_COUNT, DEFAULT_PREVIOUS_VERSIONS_MAX);
  }
}
