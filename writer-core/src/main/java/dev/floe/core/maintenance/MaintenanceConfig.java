package dev.floe.core.maintenance;

import dev.floe.core.IngestConfig;
import dev.floe.core.commit.CommitOptions;
import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Settings;
import dev.floe.core.write.WriteOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Everything table maintenance needs besides the catalog, built from {@link Settings} in one place.
 * The maintenance keys ({@code maintain.*}) and their defaults are declared in the option records;
 * the table, the Parquet write settings ({@code write.*}) and the commit retries ({@code commit.*})
 * are the ingest keys of {@link IngestConfig}, so compacted files are written like ingested ones.
 *
 * @param write how rewritten files are written; its target file size is the compaction target
 */
public record MaintenanceConfig(
    TableIdentifier table,
    CompactionOptions compaction,
    ExpiryOptions expiry,
    OrphanOptions orphans,
    ManifestOptions manifests,
    WriteOptions write,
    CommitOptions commit) {

  public MaintenanceConfig {
    write = write.withTargetFileSize(compaction.targetFileSize());
  }

  /** Every key {@link #from} reads: the maintenance keys and the ingest keys it shares. */
  public static Set<String> keys() {
    Set<String> keys = new HashSet<>(IngestConfig.keys());
    keys.addAll(
        Set.of(
            CompactionOptions.TARGET_FILE_SIZE,
            CompactionOptions.MIN_INPUT_FILES,
            CompactionOptions.MIN_AGE,
            CompactionOptions.MAX_BYTES,
            CompactionOptions.MAX_GROUP_SIZE,
            CompactionOptions.SORT,
            CompactionOptions.SORT_BUFFER_ROWS,
            CompactionOptions.SORT_BUFFER_SIZE,
            CompactionOptions.SORTED_ROW_GROUP_SIZE,
            ExpiryOptions.OLDER_THAN,
            ExpiryOptions.RETAIN_LAST,
            ExpiryOptions.DEDUPE_WINDOW,
            OrphanOptions.MIN_AGE,
            ManifestOptions.MIN_COUNT,
            ManifestOptions.PREVIOUS_VERSIONS_MAX));
    return Set.copyOf(keys);
  }

  public static MaintenanceConfig defaults() {
    return from(Settings.empty());
  }

  public static MaintenanceConfig from(Settings settings) {
    IngestConfig ingest = IngestConfig.from(settings);
    CompactionOptions compaction =
        valid(
            settings,
            List.of(
                CompactionOptions.TARGET_FILE_SIZE, CompactionOptions.MIN_INPUT_FILES, CompactionOptions.MIN_AGE,
                CompactionOptions.MAX_BYTES, CompactionOptions.MAX_GROUP_SIZE, CompactionOptions.SORT_BUFFER_ROWS,
                CompactionOptions.SORT_BUFFER_SIZE, CompactionOptions.SORTED_ROW_GROUP_SIZE),
            () ->
                new CompactionOptions(
                    settings.size(CompactionOptions.TARGET_FILE_SIZE, CompactionOptions.DEFAULT_TARGET_FILE_SIZE),
                    settings.integer(CompactionOptions.MIN_INPUT_FILES, CompactionOptions.DEFAULT_MIN_INPUT_FILES),
                    settings.duration(CompactionOptions.MIN_AGE, CompactionOptions.DEFAULT_MIN_AGE),
                    settings.size(CompactionOptions.MAX_BYTES, CompactionOptions.DEFAULT_MAX_BYTES),
                    settings.size(CompactionOptions.MAX_GROUP_SIZE, CompactionOptions.DEFAULT_MAX_GROUP_SIZE),
                    settings.bool(CompactionOptions.SORT, CompactionOptions.DEFAULT_SORT),
                    settings.integer(CompactionOptions.SORT_BUFFER_ROWS, CompactionOptions.DEFAULT_SORT_BUFFER_ROWS),
                    settings.size(CompactionOptions.SORT_BUFFER_SIZE, CompactionOptions.DEFAULT_SORT_BUFFER_SIZE),
                    settings.size(CompactionOptions.SORTED_ROW_GROUP_SIZE, CompactionOptions.DEFAULT_SORTED_ROW_GROUP_SIZE)));
    ExpiryOptions expiry =
        valid(
            settings,
            List.of(ExpiryOptions.OLDER_THAN, ExpiryOptions.RETAIN_LAST, ExpiryOptions.DEDUPE_WINDOW),
            () ->
                new ExpiryOptions(
                    settings.duration(ExpiryOptions.OLDER_THAN, ExpiryOptions.DEFAULT_OLDER_THAN),
                    settings.integer(ExpiryOptions.RETAIN_LAST, ExpiryOptions.DEFAULT_RETAIN_LAST),
                    settings.duration(ExpiryOptions.DEDUPE_WINDOW, ExpiryOptions.DEFAULT_DEDUPE_WINDOW)));
    OrphanOptions orphans =
        valid(
            settings,
            List.of(OrphanOptions.MIN_AGE),
            () -> new OrphanOptions(settings.duration(OrphanOptions.MIN_AGE, OrphanOptions.DEFAULT_MIN_AGE)));
    ManifestOptions manifests =
        valid(
            settings,
            List.of(ManifestOptions.MIN_COUNT, ManifestOptions.PREVIOUS_VERSIONS_MAX),
            () ->
                new ManifestOptions(
                    settings.integer(ManifestOptions.MIN_COUNT, ManifestOptions.DEFAULT_MIN_COUNT),
                    settings.integer(ManifestOptions.PREVIOUS_VERSIONS_MAX, ManifestOptions.DEFAULT_PREVIOUS_VERSIONS_MAX)));
    return new MaintenanceConfig(ingest.table(), compaction, expiry, orphans, manifests, ingest.write(), ingest.commit());
  }

  /**
   * Builds an option record; a value that parses but breaks a rule of the record (e.g. a negative
   * age) is reported with where that record's keys came from.
   */
  private static <T> T valid(Settings settings, List<String> keys, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("Invalid value for ")) {
        throw e; // already names its key and origin
      }
      List<String> origins =
          keys.stream().filter(settings::contains).map(key -> key + " from " + settings.origin(key)).toList();
      throw new InvalidConfigException(e.getMessage() + " (" + String.join(", ", origins) + ")", e);
    }
  }

  public MaintenanceConfig withTable(TableIdentifier id) {
    return new MaintenanceConfig(id, compaction, expiry, orphans, manifests, write, commit);
  }

  public MaintenanceConfig withCompaction(CompactionOptions options) {
    return new MaintenanceConfig(table, options, expiry, orphans, manifests, write, commit);
  }

  public MaintenanceConfig withExpiry(ExpiryOptions options) {
    return new MaintenanceConfig(table, compaction, options, orphans, manifests, write, commit);
  }

  public MaintenanceConfig withOrphans(OrphanOptions options) {
    return new MaintenanceConfig(table, compaction, expiry, options, manifests, write, commit);
  }

  public MaintenanceConfig withManifests(ManifestOptions options) {
    return new MaintenanceConfig(table, compaction, expiry, orphans, options, write, commit);
  }

  public MaintenanceConfig withWrite(WriteOptions options) {
    return new MaintenanceConfig(table, compaction, expiry, orphans, manifests, options, commit);
  }

  /** How maintenance commits; on the embedded catalog, {@link CommitOptions.Catalog#EMBEDDED}. */
  public MaintenanceConfig withCommit(CommitOptions options) {
    return new MaintenanceConfig(table, compaction, expiry, orphans, manifests, write, options);
  }
}
