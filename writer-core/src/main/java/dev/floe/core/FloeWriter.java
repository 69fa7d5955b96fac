package dev.floe.core;

import dev.floe.core.commit.BatchLedger;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.commit.Committer;
import dev.floe.core.deadletter.DeadLetters;
import dev.floe.core.decode.DecodeStats;
import dev.floe.core.decode.EventDecoder;
import dev.floe.core.filter.EventFilter;
import dev.floe.core.table.TableBootstrap;
import dev.floe.core.write.PartitionedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
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
    this.committer = builder.committer != null ? builder.committer : new Committer(config.commit());
    this.clock = builder.clock;
  }

  public static Builder builder(Catalog catalog) {
    return new Builder(catalog);
  }

  /** The target table, created (with its namespace) when missing. */
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

  /** Ingests {@code batches} as one commit; batches already in the table are skipped. */
  public synchronized IngestResult ingest(List<Batch> batches) {
    Instant start = clock.instant();
    String runId = RunIds.next(clock);
    Table target = table();
    Map<String, Batch> byDigest = new LinkedHashMap<>();
    for (Batch batch : batches) {
      byDigest.putIfAbsent(BatchLedger.digest(batch.id()), batch);
    }
    Set<String> done = BatchLedger.committed(target, byDigest.keySet());
    done.forEach(
        digest -> LOG.info("Run {}: skipping batch {} ({}): already committed", runId, byDigest.get(digest).id(), digest));
    byDigest.keySet().removeAll(done);
    Run run = new Run(runId, target);
    if (byDigest.isEmpty()) {
      LOG.info("Run {}: nothing to commit to {} ({} batches offered, all already committed)", runId, target.name(), batches.size());
      return run.result(batches.size(), done.size(), null, start);
    }
    LOG.info("Run {}: ingesting {} batches into {}", runId, byDigest.size(), target.name());
    Snapshot snapshot = run.writeAndCommit(byDigest);
    IngestResult result = run.result(batches.size(), done.size(), snapshot, start);
    LOG.info(
        "Run {}: committed snapshot {} to {}: {} events written, {} rejected, {} filtered, {} files, {} bytes",
        runId, snapshot.snapshotId(), target.name(), result.eventsWritten(), result.eventsRejected(),
        result.eventsFiltered(), result.dataFiles(), result.bytesWritten());
    return result;
  }

  /** The state of one ingest run. */
  private final class Run {
    private final String runId;
    private final Table table;
    private final EventDecoder decoder;
    private final EventFilter filter;
    private long read;
    private long written;
    private long rejected;
    private long filtered;
    private List<DataFile> files = List.of();
    private List<String> deadLetterLocations = List.of();

    Run(String runId, Table table) {
      this.runId = runId;
      this.table = table;
      this.decoder = new EventDecoder(table.schema(), config.limits());
      this.filter =
          config.filter().isBlank() ? EventFilter.acceptAll() : EventFilter.parse(config.filter(), table.schema());
    }

    Snapshot writeAndCommit(Map<String, Batch> batches) {
      DeadLetters.Run rejects = deadLetters.begin(runId);
      PartitionedWriter writer = new PartitionedWriter(table, runId, config.write());
      try {
        batches.forEach((digest, batch) -> decode(digest, batch, writer, rejects));
        files = writer.complete();
        deadLetterLocations = rejects.publish();
        return committer.commit(table, files, runId, batches.keySet(), Map.of());
      } catch (CommitUnknownException e) {
        LOG.error("Run {}: {}", runId, e.getMessage());
        throw e;
      } catch (RuntimeException | Error e) {
        LOG.warn("Run {} failed before committing; deleting its data files and dead letters", runId);
        writer.abort();
        rejects.discard();
        throw e;
      }
    }

    private void decode(String digest, Batch batch, PartitionedWriter writer, DeadLetters.Run rejects) {
      DecodeStats stats;
      try (InputStream in = batch.input().open()) {
        stats =
            decoder.decode(
                batch.source(),
                in,
                (Record event) -> {
                  if (filter.test(event)) {
                    writer.write(event);
                    written++;
                  } else {
                    filtered++;
                  }
                },
                reject -> rejects.reject(digest, reject));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read batch " + batch.id() + " from " + batch.source() + ": " + e.getMessage(), e);
      }
      read += stats.records() + stats.rejected();
      rejected += stats.rejected();
    }

    IngestResult result(int offered, int skipped, Snapshot snapshot, Instant start) {
      long bytes = files.stream().mapToLong(DataFile::fileSizeInBytes).sum();
      return new IngestResult(
          runId, table.name(), offered, skipped, read, written, rejected, filtered, files.size(), bytes,
          snapshot == null ? null : snapshot.snapshotId(), Duration.between(start, clock.instant()),
          deadLetterLocations);
    }
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
}
