package dev.floe.core;

import dev.floe.core.BatchOutcome.Status;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.commit.Committer;
import dev.floe.core.commit.VerifiedCommits;
import dev.floe.core.deadletter.DeadLetters;
import dev.floe.core.decode.DecodeStats;
import dev.floe.core.decode.EventDecoder;
import dev.floe.core.decode.EventRow;
import dev.floe.core.decode.RowHandoff;
import dev.floe.core.filter.EventFilter;
import dev.floe.core.internal.DrillHooks;
import dev.floe.core.write.PartitionedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One ingest run: decode every batch through the filter into the writer, then commit. */
final class IngestRun {
  private static final Logger LOG = LoggerFactory.getLogger(IngestRun.class);
  /** Raw input bytes between two progress reports within a batch. */
  static final long PROGRESS_BYTES = 1L << 20;

  private final String runId;
  private final Table table;
  private final IngestConfig config;
  private final DeadLetters deadLetters;
  private final Committer committer;
  private final Clock clock;
  private final IngestOptions options;
  private final EventDecoder decoder;
  private final EventFilter filter;
  private long read;
  private long written;
  private long rejected;
  private long filtered;
  private long bytesRead;
  // ingest.max-bytes: the stored sizes of the batches taken (what was read, where a size is unknown).
  private long bytesTaken;
  // Progress: raw input bytes read and events of the batch being read, told to options.progress().
  private int batchesDone;
  private int batchesTotal;
  private long inputBytes;
  private long batchEvents;
  private long nextReport;
  private OptionalLong inputTotal = OptionalLong.empty();
  private List<DataFile> files = List.of();
  private long filesClosedEarly;
  private List<String> deadLetterLocations = List.of();

  IngestRun(String runId, Table table, IngestConfig config, DeadLetters deadLetters, Committer committer, Clock clock, IngestOptions options) {
    this.runId = runId;
    this.table = table;
    this.config = config;
    this.deadLetters = deadLetters;
    this.committer = committer;
    this.clock = clock;
    this.options = options;
    this.decoder = new EventDecoder(table.schema(), config.limits(), config.rules().at(clock.instant()));
    this.filter = config.filter().isBlank() ? EventFilter.acceptAll() : EventFilter.parse(config.filter(), table.schema());
  }

  /** Writes the batches and commits them; null when nothing was committed (dry run, all failed). */
  Snapshot writeAndCommit(Map<String, Batch> batches, List<BatchOutcome> outcomes, Instant start) {
    DeadLetters.Run rejects = deadLetters.begin(runId);
    PartitionedWriter writer = options.dryRun() ? null : new PartitionedWriter(table, runId, config.write());
    Consumer<Record> sink = writer == null ? event -> {} : writer::write;
    List<String> included = new ArrayList<>();
    boolean committing = false;
    try {
      batchesTotal = batches.size();
      inputTotal = totalSize(batches.values());
      progress();
      // Rows: the decoder's fast path, one reused row per source and no object per field. Decoding
      // runs here; filtering and writing on the handoff's thread, so the two overlap. One handoff
      // (one thread, one set of blocks) for the whole run, however many batches; closed before the
      // writer is aborted, so nothing writes into files being deleted. A partitioned table's rows
      // reach the writer grouped by partition, window by window, so that a spec with more
      // partitions than open files does not close a file at every change of partition.
      Consumer<EventRow> rows = event -> {
        if (filter.test(event)) {
          sink.accept(event);
          written++;
        } else {
          filtered++;
        }
      };
      String thread = "floe-write-" + runId;
      try (RowHandoff handoff = writer != null && writer.partitioned()
              ? decoder.handoff(thread, writer::partitionOf, rows)
              : decoder.handoff(thread, rows);
          ReadAhead inputs = new ReadAhead(List.copyOf(batches.values()), config.run().readAhead())) {
        int index = -1;
        for (Map.Entry<String, Batch> entry : batches.entrySet()) {
          Batch batch = entry.getValue();
          index++;
          if (batchesDone > 0 && config.run().reached(read, bytesTaken, batch.size(), FloeWriter.since(clock, start))) {
            outcomes.add(new BatchOutcome(batch, Status.DEFERRED, "run limit reached"));
            batchesTotal--;
            if (inputTotal.isPresent()) {
              inputTotal = OptionalLong.of(inputTotal.getAsLong() - batch.size().orElseThrow());
            }
            continue;
          }
          long inputBefore = inputBytes;
          String failure = decode(entry.getKey(), batch, inputs, index, handoff, rejects);
          bytesTaken += batch.size().orElse(inputBytes - inputBefore);
          if (failure != null) {
            outcomes.add(new BatchOutcome(batch, Status.FAILED, failure));
          } else {
            included.add(entry.getKey());
            outcomes.add(new BatchOutcome(batch, options.dryRun() ? Status.DRY_RUN : Status.COMMITTED, ""));
          }
          batchesDone++;
          progress();
        }
        if (batchesTotal < batches.size()) {
          progress(); // the deferred batches left the total
        }
        handoff.finish();
      }
      checkRejectRatio(writer, rejects);
      if (writer == null || included.isEmpty()) {
        rejects.discard();
        return null;
      }
      files = writer.complete();
      filesClosedEarly = writer.evictions();
      deadLetterLocations = rejects.publish();
      Map<String, String> properties =
          options.sourceMark().map(mark -> Map.of(mark.property(), mark.claimId())).orElse(Map.of());
      options.beforeCommit().outcomes(List.copyOf(outcomes));
      DrillHooks.installed().beforeCommit();
      committing = true;
      return committer.commit(table, files, runId, included, Map.of(), properties);
    } catch (CommitUnknownException | TooManyRejectsException e) {
      LOG.error("Run {}: {}", runId, e.getMessage());
      throw e;
    } catch (RuntimeException | Error e) {
      if (committing && !VerifiedCommits.definitelyFailed(e)) {
        LOG.error("Run {}: its commit to {} may have landed ({}); its data files and dead letters are kept", runId, table.name(), e.toString());
        throw e;
      }
      deleteDataFiles(writer);
      rejects.discard();
      throw e;
    }
  }

  /** The raw size of all the batches, when each knows its own. */
  private static OptionalLong totalSize(Iterable<Batch> batches) {
    long total = 0;
    for (Batch batch : batches) {
      if (batch.size().isEmpty()) {
        return OptionalLong.empty();
      }
      total += batch.size().getAsLong();
    }
    return OptionalLong.of(total);
  }

  private void progress() {
    options.progress().update(new IngestProgress(batchesDone, batchesTotal, read + batchEvents, inputBytes, inputTotal));
  }

  /** Counts the raw bytes a batch delivers, and tells the progress listener every mebibyte. */
  private final class CountingInput extends FilterInputStream {
    CountingInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      counted(skipped);
      return skipped;
    }

    private void counted(long n) {
      inputBytes += n;
      if (inputBytes >= nextReport) {
        nextReport = inputBytes + PROGRESS_BYTES;
        progress();
      }
    }
  }

  /** Deletes the data files of a run that did not commit; says how many, and exactly which could not be. */
  private void deleteDataFiles(PartitionedWriter writer) {
    if (writer == null) {
      return;
    }
    PartitionedWriter.Aborted aborted = writer.abort();
    if (aborted.notDeleted().isEmpty()) {
      LOG.warn("Run {} did not commit; deleted its {} data files", runId, aborted.deleted());
    } else {
      LOG.error("Run {} did not commit; deleted {} of its data files, but cannot delete {} (orphan removal deletes them"
              + " later): {}", runId, aborted.deleted(), aborted.notDeleted().size(), aborted.notDeleted());
    }
  }

  /** Decodes one batch into {@code rows}; returns why it could not be opened, or null. */
  private String decode(String digest, Batch batch, ReadAhead inputs, int index, RowHandoff rows, DeadLetters.Run rejects) {
    InputStream in;
    try {
      in = inputs.open(index);
    } catch (IOException e) {
      LOG.warn("Run {}: cannot open {}: {}", runId, batch.source(), e.toString());
      return "Cannot open " + batch.source() + ": " + e;
    }
    DecodeStats stats;
    try {
      stats = decoder.decodeRows(batch.source(), new CountingInput(in), row -> {
        batchEvents++;
        rows.accept(row);
      }, reject -> {
        batchEvents++;
        rejects.reject(digest, reject);
      });
    } finally {
      try {
        in.close();
      } catch (IOException e) {
        // Closing a fully read input failed: nothing was lost.
        LOG.debug("Cannot close {}: {}", batch.source(), e.toString());
      }
    }
    read += stats.records() + stats.rejected();
    batchEvents = 0;
    rejected += stats.rejected();
    bytesRead += stats.bytes();
    return null;
  }

  /**
   * Fails the run when too many events were rejected. Its data files are deleted, but its dead
   * letters are kept, so the operator can see what is wrong; they are named by batch, so a later
   * run of the same batches replaces them rather than adding a copy.
   */
  private void checkRejectRatio(PartitionedWriter writer, DeadLetters.Run rejects) {
    double ratio = read == 0 ? 0 : (double) rejected / read;
    if (ratio <= config.run().maxRejectRatio()) {
      return;
    }
    deleteDataFiles(writer);
    List<String> kept = List.of();
    if (options.dryRun()) {
      rejects.discard();
    } else {
      kept = rejects.publish();
    }
    throw new TooManyRejectsException(String.format(
        "Cannot commit run %s to %s: %d of %d events were rejected (%.1f%%, more than the %.1f%% allowed by %s); nothing was committed%s",
        runId, table.name(), rejected, read, ratio * 100, config.run().maxRejectRatio() * 100, RunLimits.MAX_REJECT_RATIO,
        kept.isEmpty() ? "" : "; the rejected events are in " + String.join(", ", kept)));
  }

  IngestResult result(List<BatchOutcome> outcomes, Snapshot snapshot, Instant start) {
    long bytes = files.stream().mapToLong(DataFile::fileSizeInBytes).sum();
    return new IngestResult(
        runId, table.name(), outcomes, read, written, rejected, filtered, files.size(), filesClosedEarly, bytesRead, bytes,
        snapshot == null ? null : snapshot.snapshotId(), FloeWriter.since(clock, start), deadLetterLocations);
  }
}
