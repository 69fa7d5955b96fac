package dev.floe.core;

import dev.floe.core.BatchOutcome.Status;
import dev.floe.core.commit.BatchLedger;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.commit.Committer;
import dev.floe.core.deadletter.DeadLetters;
import dev.floe.core.table.TableBootstrap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests batches of events into one Iceberg table: decode, validate (rejects to dead letters),
 * filter, write day-partitioned ZSTD Parquet through the table's FileIO, and commit one snapshot per
 * run, exactly once per batch id.
 *
 * <pre>{@code
 * FloeWriter writer = FloeWriter.builder(catalog).build();
 * IngestResult result = writer.ingest(List.of(Batch.ofFile(Path.of("events.ndjson.gz"))));
 * }</pre>
 *
 * <p>A run that fails before its commit deletes the data files and dead letters it wrote; a run
 * whose commit state is unknown deletes nothing and throws {@link CommitUnknownException}.
 */
public final class FloeWriter {
  private static final Logger LOG = LoggerFactory.getLogger(FloeWriter.class);

  private final Catalog catalog;
  private final IngestConfig config;
  private final DeadLetters deadLetters;
  private final Committer committer;
  private final Clock clock;
  private Table table;

  private FloeWriter(Builder builder) {
    this.catalog = builder.catalog;
    this.config = builder.config;
    this.deadLetters =
        builder.deadLetters != null
            ? builder.deadLetters
            : config.deadLetterDirectory().map(DeadLetters::directory).orElseGet(DeadLetters::logging);
    this.committer = builder.committer != null ? builder.committer : new Committer(config.commit(), builder.clock);
    this.clock = builder.clock;
  }

  public static Builder builder(Catalog catalog) {
    return new Builder(catalog);
  }

  public IngestConfig config() {
    return config;
  }

  /** The target table, created (with its namespace) when missing, and refreshed. */
  public synchronized Table table() {
    if (table == null) {
      table = TableBootstrap.loadOrCreate(catalog, config.table(), config.definition());
    } else {
      table.refresh();
    }
    return table;
  }

  public IngestResult ingest(Batch batch) {
    return ingest(List.of(batch));
  }

  public IngestResult ingest(List<Batch> batches) {
    return ingest(batches, IngestOptions.defaults());
  }

  /**
   * Ingests {@code batches} as one commit: batches already in the table are skipped, and batches
   * beyond the run limits are deferred; see each {@link BatchOutcome}.
   *
   * @throws TooManyRejectsException more rejects than {@link RunLimits#maxRejectRatio()} allows;
   *     nothing committed
   * @throws org.apache.iceberg.exceptions.CommitFailedException a commit conflict outlasted the
   *     retries; nothing committed, retry the run
   * @throws dev.floe.core.commit.BatchesAlreadyCommittedException a concurrent run committed one
   *     of the batches first; nothing committed, retry the run
   * @throws CommitUnknownException the commit may have landed; nothing deleted, retry the run
   * @throws dev.floe.core.decode.SourceReadException a source's stream failed; nothing committed
   */
  public synchronized IngestResult ingest(List<Batch> batches, IngestOptions options) {
    Instant start = clock.instant();
    String runId = RunIds.next(clock);
    Table target = options.dryRun() ? TableBootstrap.loadOrPreview(catalog, config.table(), config.definition()) : table();
    Map<String, Batch> byDigest = new LinkedHashMap<>();
    for (Batch batch : batches) {
      byDigest.putIfAbsent(BatchLedger.digest(batch.id()), batch);
    }
    List<BatchOutcome> outcomes = new ArrayList<>();
    long oldestKept = Math.floorDiv(clock.millis() - config.commit().dedupeWindow().toMillis(), 1000L);
    BatchLedger.Check check = BatchLedger.check(target, byDigest.keySet(), oldestKept);
    Set<String> done = check.committed();
    LOG.info("Run {}: {} of {} batches already in {}; the dedupe check read {} bytes in {} requests",
        runId, done.size(), byDigest.size(), target.name(), check.bytes(), check.requests());
    for (String digest : done) {
      Batch batch = byDigest.remove(digest);
      LOG.info("Run {}: batch {} is already in {}; skipping it", runId, batch.id(), target.name());
      outcomes.add(new BatchOutcome(batch, Status.ALREADY_COMMITTED, "already committed"));
    }
    IngestRun run = new IngestRun(runId, target, config, deadLetters, committer, clock, options);
    if (byDigest.isEmpty()) {
      LOG.info("Run {}: nothing new for {} ({} batches offered)", runId, target.name(), batches.size());
      return run.result(outcomes, null, start);
    }
    LOG.info("Run {}: ingesting {} batches into {}{}", runId, byDigest.size(), target.name(), options.dryRun() ? " (dry run)" : "");
    Snapshot snapshot = run.writeAndCommit(byDigest, outcomes, start);
    IngestResult result = run.result(outcomes, snapshot, start);
    if (snapshot != null) {
      LOG.info(
          "Run {}: committed snapshot {} to {}: {} events written, {} rejected, {} filtered, {} files, {} bytes",
          runId, snapshot.snapshotId(), target.name(), result.eventsWritten(), result.eventsRejected(),
          result.eventsFiltered(), result.dataFiles(), result.bytesWritten());
    }
    return result;
  }

  public static final class Builder {
    private final Catalog catalog;
    private IngestConfig config = IngestConfig.defaults();
    private DeadLetters deadLetters;
    private Committer committer;
    private Clock clock = Clock.systemUTC();

    private Builder(Catalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    public Builder config(IngestConfig ingestConfig) {
      this.config = Objects.requireNonNull(ingestConfig, "config");
      return this;
    }

    public Builder deadLetters(DeadLetters sink) {
      this.deadLetters = sink;
      return this;
    }

    /** For tests that inject commit failures or a sleeper that does not sleep. */
    public Builder committer(Committer custom) {
      this.committer = custom;
      return this;
    }

    public Builder clock(Clock customClock) {
      this.clock = Objects.requireNonNull(customClock, "clock");
      return this;
    }

    public FloeWriter build() {
      return new FloeWriter(this);
    }
  }

  static Duration since(Clock clock, Instant start) {
    return Duration.between(start, clock.instant());
  }
}
