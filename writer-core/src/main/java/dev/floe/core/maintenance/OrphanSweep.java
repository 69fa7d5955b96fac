package dev.floe.core.maintenance;

import dev.floe.core.config.InvalidConfigException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.BulkDeletionFailureException;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsBulkOperations;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and deletes orphan files: files under the table location that no metadata reachable from
 * the current metadata references (see {@link ReachableFiles}) and that were last modified longer
 * ago than the safety age. Lists through the table's FileIO (an S3 prefix listing for S3FileIO), so
 * the FileIO must support prefix operations.
 *
 * <p>The listing is taken before the metadata is read, so a file committed during the sweep is
 * seen as referenced; a file written but not yet committed is protected by the safety age. A
 * commit landing during the listing makes the sweep list again, up to {@link #LISTING_ATTEMPTS}
 * times, and then skip this run (with a warning and the reason in its result) rather than fail.
 */
final class OrphanSweep {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanSweep.class);

  /** Listings taken while commits keep landing during them, before the sweep skips this run. */
  static final int LISTING_ATTEMPTS = 3;

  private final Table table;
  private final OrphanOptions options;
  private final Clock clock;

  OrphanSweep(Table table, OrphanOptions options, Clock clock) {
    this.table = table;
    this.options = options;
    this.clock = clock;
  }

  /** The files under the table's locations, classified. */
  record Classification(List<FileInfo> orphans, int referenced, int tooYoung, int listed) {
    long orphanBytes() {
      return orphans.stream().mapToLong(FileInfo::size).sum();
    }
  }

  OrphanResult find() {
    return sweep(false);
  }

  OrphanResult remove() {
    return sweep(true);
  }

  private OrphanResult sweep(boolean delete) {
    Instant start = clock.instant();
    Instant cutOff = start.minus(options.minAge());
    if (!(table.io() instanceof SupportsPrefixOperations listing)) {
      throw new InvalidConfigException(
          "Cannot remove orphan files of " + table.name() + ": its FileIO " + table.io().getClass().getName()
              + " cannot list a location (it does not implement SupportsPrefixOperations); S3FileIO and"
              + " HadoopFileIO can");
    }
    List<FileInfo> listed = null;
    for (int attempt = 1; listed == null; attempt++) {
      table.refresh();
      String before = currentMetadataFile();
      List<FileInfo> files = new ArrayList<>();
      listing.listPrefix(Locations.directory(table.location())).forEach(files::add);
      table.refresh();
      String after = currentMetadataFile();
      if (listingHas(files, after)) {
        listed = files;
      } else if (Objects.equals(before, after)) {
        throw new IllegalStateException(
            "Cannot remove orphan files of " + table.name() + ": listing " + table.location()
                + " did not return its current metadata file " + after
                + ", so the listing and the metadata name files differently; nothing was deleted");
      } else if (attempt == LISTING_ATTEMPTS) {
        // Normal for a table ingested every minute; the next run will find the same orphans.
        String reason =
            "a commit landed during each of " + LISTING_ATTEMPTS + " listings of " + table.location()
                + ", so no listing shows the table as its metadata is; nothing was deleted";
        LOG.warn("Orphan sweep of {} skipped: {}", table.name(), reason);
        return OrphanResult.skipped(table.name(), !delete, cutOff, reason, Duration.between(start, clock.instant()));
      } else {
        LOG.info(
            "Orphan sweep of {}: a commit landed during the listing ({} -> {}); listing again ({} of {})",
            table.name(), before, after, attempt + 1, LISTING_ATTEMPTS);
      }
    }
    warnAboutOtherLocations();
    Set<String> reachable = ReachableFiles.of(table);
    Classification found = classify(listed, reachable, cutOff);
    int deleted = 0;
    int failures = 0;
    if (delete && !found.orphans().isEmpty()) {
      failures = delete(found.orphans().stream().map(FileInfo::location).toList());
      deleted = found.orphans().size() - failures;
    }
    LOG.info(
        "Orphan sweep of {}: {} files listed, {} referenced, {} orphans{}, {} unreferenced but too young",
        table.name(), found.listed(), found.referenced(), found.orphans().size(),
        delete ? " (" + deleted + " deleted)" : " (dry run)", found.tooYoung());
    return new OrphanResult(
        table.name(), !delete, found.listed(), found.referenced(), cutOff,
        found.orphans().stream().map(FileInfo::location).toList(), found.orphanBytes(), found.tooYoung(), deleted,
        failures, Duration.between(start, clock.instant()), Optional.empty());
  }

  /** Pure: which listed files are orphans, given the reachable locations (normalized). */
  static Classification classify(List<FileInfo> listed, Set<String> reachable, Instant modifiedBefore) {
    List<FileInfo> orphans = new ArrayList<>();
    int referenced = 0;
    int tooYoung = 0;
    for (FileInfo file : listed) {
      if (reachable.contains(Locations.normalize(file.location()))) {
        referenced++;
      } else if (file.createdAtMillis() < modifiedBefore.toEpochMilli()) {
        orphans.add(file);
      } else {
        tooYoung++;
      }
    }
    return new Classification(orphans, referenced, tooYoung, listed.size());
  }

  /**
   * Only the table location is swept. Data or metadata placed elsewhere by {@code write.data.path}
   * or {@code write.metadata.path} is not: such a location may be shared with other tables, whose
   * files would all look like orphans here.
   */
  private void warnAboutOtherLocations() {
    String root = Locations.directory(Locations.normalize(table.location()));
    for (String property : List.of(TableProperties.WRITE_DATA_LOCATION, TableProperties.WRITE_METADATA_LOCATION)) {
      String location = table.properties().get(property);
      if (location != null && !Locations.normalize(location).startsWith(root)) {
        LOG.warn(
            "Orphan sweep of {}: {} = {} is outside the table location and is not swept", table.name(), property, location);
      }
    }
  }

  private String currentMetadataFile() {
    return ((HasTableOperations) table).operations().current().metadataFileLocation();
  }

  /**
   * Whether the listing returned the current metadata file. When it did not and no commit landed
   * while it ran, the listing and the metadata spell locations differently (another scheme or
   * bucket alias), and every file would look like an orphan: the sweep refuses to go on. When a
   * commit landed, the listing predates it and is taken again.
   */
  private boolean listingHas(List<FileInfo> listed, String current) {
    if (current == null) {
      return true;
    }
    String wanted = Locations.normalize(current);
    boolean underRoot = wanted.startsWith(Locations.directory(Locations.normalize(table.location())));
    return !underRoot || listed.stream().anyMatch(file -> Locations.normalize(file.location()).equals(wanted));
  }

  /** Deletes the files; returns how many could not be deleted. */
  private int delete(List<String> locations) {
    if (table.io() instanceof SupportsBulkOperations bulk) {
      try {
        bulk.deleteFiles(locations);
        return 0;
      } catch (BulkDeletionFailureException e) {
        LOG.warn("Orphan sweep of {}: {} of {} deletions failed: {}", table.name(), e.numberFailedObjects(), locations.size(), e.getMessage());
        return e.numberFailedObjects();
      }
    }
    int failures = 0;
    for (String location : locations) {
      try {
        table.io().deleteFile(location);
      } catch (RuntimeException e) {
        failures++;
        LOG.warn("Orphan sweep of {}: cannot delete {}: {}", table.name(), location, e.toString());
      }
    }
    return failures;
  }
}
