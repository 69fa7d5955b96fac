package dev.floe.core.maintenance;

import dev.floe.core.commit.Committer;
import dev.floe.core.commit.VerifiedCommits;
import dev.floe.core.config.InvalidConfigException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Table maintenance for one table, safe to run while ingest runs: compaction, manifest rewriting,
 * snapshot expiry (keeping floe's exactly-once record) and orphan file removal. Each step has a
 * dry-run twin that commits and deletes nothing.
 *
 * <pre>{@code
 * TableMaintenance maintenance = TableMaintenance.builder(catalog).config(MaintenanceConfig.from(settings)).build();
 * System.out.print(maintenance.planCompaction().describe());  // what compact() would do
 * MaintenanceResult result = maintenance.all();
 * }</pre>
 */
public final class TableMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);

  private final Table table;
  private final MaintenanceConfig config;
  private final Clock clock;
  private final Committer.Sleeper sleeper;
  private final Path tempDirectory;
  private final MaintenanceProgress.Listener progress;

  private TableMaintenance(Builder builder, Table table) {
    this.table = table;
    this.config = builder.config;
    this.clock = builder.clock;
    this.sleeper = builder.sleeper;
    this.tempDirectory = builder.tempDirectory;
    this.progress = builder.progress;
  }

  /** Maintenance of the table {@link MaintenanceConfig#table()} names in {@code catalog}. */
  public static Builder builder(Catalog catalog) {
    return new Builder(Objects.requireNonNull(catalog, "catalog"), null);
  }

  /** Maintenance of an already loaded table ({@link MaintenanceConfig#table()} is not used). */
  public static Builder builder(Table table) {
    return new Builder(null, Objects.requireNonNull(table, "table"));
  }

  public Table table() {
    return table;
  }

  /** What {@link #compact()} would rewrite now; reads the table, changes nothing. */
  public CompactionPlan planCompaction() {
    CompactionOptions options = config.compaction();
    return step(MaintenanceProgress.COMPACTION_PLAN,
        () -> CompactionPlanner.plan(CompactionScan.scan(table, clock.instant(), options.minAge()), options));
  }

  /** Plans and runs a compaction. */
  public CompactionResult compact() {
    return compact(planCompaction());
  }

  /** Runs {@code plan}, group by group; a group that conflicts with a concurrent change is skipped. */
  public CompactionResult compact(CompactionPlan plan) {
    return new CompactionRunner(table, config.compaction(), config.write(), config.commit(), sleeper, clock, tempDirectory, progress)
        .run(plan);
  }

  /** What {@link #expireSnapshots()} would expire now; changes nothing. */
  public ExpiryResult previewExpiry() {
    return step(MaintenanceProgress.EXPIRY, () -> new SnapshotExpiry(table, config.expiry(), commits(), clock).preview());
  }

  /** Carries the batch digests still inside the dedupe window, then expires snapshots and their files. */
  public ExpiryResult expireSnapshots() {
    return step(MaintenanceProgress.EXPIRY, () -> new SnapshotExpiry(table, config.expiry(), commits(), clock).run());
  }

  /** Lists the orphan files {@link #removeOrphans()} would delete; deletes nothing. */
  public OrphanResult findOrphans() {
    return step(MaintenanceProgress.ORPHANS, () -> new OrphanSweep(table, config.orphans(), clock).find());
  }

  public OrphanResult removeOrphans() {
    return step(MaintenanceProgress.ORPHANS, () -> new OrphanSweep(table, config.orphans(), clock).remove());
  }

  /** What {@link #rewriteManifests()} would do; changes nothing. */
  public ManifestResult previewManifests() {
    return step(MaintenanceProgress.MANIFESTS, () -> new ManifestMaintenance(table, config.manifests(), commits(), clock).preview());
  }

  /** Rewrites small manifests when there are many and bounds old metadata.json versions. */
  public ManifestResult rewriteManifests() {
    return step(MaintenanceProgress.MANIFESTS, () -> new ManifestMaintenance(table, config.manifests(), commits(), clock).run());
  }

  /**
   * Every step, in a safe order: compaction first (it makes the files that expiry then frees),
   * manifests next (compaction changed them), then expiry (it deletes the files only expired
   * snapshots referenced), and the orphan sweep last (it sees what expiry left).
   */
  public MaintenanceResult all() {
    LOG.info("Maintaining {}", table.name());
    CompactionResult compaction = compact();
    ManifestResult manifests = rewriteManifests();
    ExpiryResult expiry = expireSnapshots();
    OrphanResult orphans = removeOrphans();
    return new MaintenanceResult(table.name(), false, compaction, manifests, expiry, orphans);
  }

  /** Runs a step that reports only its start and its end. */
  private <T> T step(String name, Supplier<T> work) {
    progress.update(MaintenanceProgress.started(name));
    T result = work.get();
    progress.update(MaintenanceProgress.finished(name));
    return result;
  }

  private VerifiedCommits commits() {
    return new VerifiedCommits(config.commit(), sleeper);
  }

  /** What {@link #all()} would do, each step previewed against the table as it is now. */
  public MaintenanceResult previewAll() {
    return new MaintenanceResult(
        table.name(), true, CompactionResult.dryRun(planCompaction()), previewManifests(), previewExpiry(), findOrphans());
  }

  public static final class Builder {
    private final Catalog catalog;
    private final Table table;
    private MaintenanceConfig config = MaintenanceConfig.defaults();
    private Clock clock = Clock.systemUTC();
    private Committer.Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());
    private Path tempDirectory = Path.of(System.getProperty("java.io.tmpdir"));
    private MaintenanceProgress.Listener progress = MaintenanceProgress.Listener.NONE;

    private Builder(Catalog catalog, Table table) {
      this.catalog = catalog;
      this.table = table;
    }

    public Builder config(MaintenanceConfig maintenanceConfig) {
      this.config = Objects.requireNonNull(maintenanceConfig, "config");
      return this;
    }

    /** The time that ages (min-age, older-than, the dedupe window) are measured from. */
    public Builder clock(Clock customClock) {
      this.clock = Objects.requireNonNull(customClock, "clock");
      return this;
    }

    /** For tests: waits between commit attempts without sleeping. */
    public Builder sleeper(Committer.Sleeper customSleeper) {
      this.sleeper = Objects.requireNonNull(customSleeper, "sleeper");
      return this;
    }

    /** Where a sorting compaction spills sorted runs (default: {@code java.io.tmpdir}). */
    public Builder tempDirectory(Path directory) {
      this.tempDirectory = Objects.requireNonNull(directory, "tempDirectory");
      return this;
    }

    /** Told as each step starts and ends, and after each compaction group (none by default). */
    public Builder progress(MaintenanceProgress.Listener listener) {
      this.progress = Objects.requireNonNull(listener, "progress");
      return this;
    }

    public TableMaintenance build() {
      if (table != null) {
        return new TableMaintenance(this, table);
      }
      try {
        return new TableMaintenance(this, catalog.loadTable(config.table()));
      } catch (NoSuchTableException e) {
        throw new InvalidConfigException("Cannot maintain table " + config.table() + ": it does not exist", e);
      }
    }
  }
}
