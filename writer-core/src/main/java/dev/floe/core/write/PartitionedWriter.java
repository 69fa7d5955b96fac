package dev.floe.core.write;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.DataFile;
import dev.floe.core.decode.EventRow;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records into rolling ZSTD Parquet files, one open file per partition, with at most
 * {@link WriteOptions#maxOpenFiles()} files open at once: when a record arrives for one more
 * partition, the least recently written file is closed. Memory is therefore bounded by the open
 * files' row-group buffers whatever the batch size or the number of days it spans.
 *
 * <p>Closing a file finishes its row group and uploads it (one PUT, or the last part of a multipart
 * upload), which can take seconds against remote storage; so files are closed on threads of their
 * own while writing goes on: a file closed to make room closes in the background (one at a time,
 * so at most {@code maxOpenFiles + 1} files hold buffers), and {@link #complete()} closes the open
 * files in parallel. A failed close surfaces at the next eviction or at {@code complete()}.
 *
 * <p>With more partitions than open files (a hash-partitioned spec such as {@code day(timestamp),
 * bucket(16, do_id)}), rows whose partitions alternate would close a file at nearly every row:
 * callers that can group rows by partition first ({@link #partitionOf}) give each file runs of rows
 * instead. {@link #evictions()} counts the files closed early either way.
 *
 * <p>File names carry the run id (Iceberg's "operation id"), so files left behind by a dead run are
 * attributable. Not thread-safe: one thread writes, completes or aborts.
 */
public final class PartitionedWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionedWriter.class);

  private final PartitionSpec spec;
  private final FileIO io;
  private final long targetFileSize;
  private final int maxOpenFiles;
  private final RowFileWriterFactory writerFactory;
  private final OutputFileFactory fileFactory;
  private final PartitionKey partitionKey;
  private final InternalRecordWrapper wrapper;
  private final LinkedHashMap<StructLike, RollingDataWriter<Record>> open =
      new LinkedHashMap<>(16, 0.75f, true);
  private final List<DataFile> completed = new ArrayList<>();
  /** Files being closed on the closers' threads, with the path each was writing, in order. */
  private final List<Closing> closing = new ArrayList<>();
  private ExecutorService closers;
  /** A small int per partition seen, for callers that group rows by partition. */
  private final Map<StructLike, Integer> partitionIds = new HashMap<>();
  private long evictions;
  private boolean closed;

  private record Closing(CharSequence path, Future<List<DataFile>> files) {}

  public PartitionedWriter(Table table, String runId, WriteOptions options) {
    this.spec = table.spec();
    this.io = table.io();
    this.targetFileSize = options.targetFileSize().bytes();
    this.maxOpenFiles = options.maxOpenFiles();
    // Ingest does not sort: the files claim no sort order, which would mislead readers.
    this.writerFactory = new RowFileWriterFactory(table, options.parquetProperties(), SortOrder.unsorted());
    this.fileFactory =
        OutputFileFactory.builderFor(table, 0, 0)
            .operationId(runId)
            .format(FileFormat.PARQUET)
            .build();
    this.partitionKey = new PartitionKey(spec, table.schema());
    this.wrapper = new InternalRecordWrapper(table.schema().asStruct());
  }

  /**
   * Writes one record. An {@link EventRow} (the decoder's fast path) is written from its bytes
   * directly and may be reused by the caller once this returns.
   */
  public void write(Record record) {
    if (closed) {
      throw new IllegalStateException("Cannot write: the writer is closed");
    }
    partitionKey.partition(record instanceof EventRow row ? row.internal() : wrapper.wrap(record));
    RollingDataWriter<Record> writer = open.get(partitionKey);
    try {
      if (writer == null) {
        writer = openWriter();
      }
      writer.write(record);
    } catch (UncheckedIOException e) {
      if (writer == null || writer.currentFilePath() == null) {
        throw e; // creating the file failed, and says so
      }
      // Iceberg's "Failed to flush row group" and the like: say which file, and what went wrong.
      throw new UncheckedIOException(
          "Cannot write data file " + writer.currentFilePath() + ": " + StorageErrors.rootMessage(e), e.getCause());
    } catch (Error e) {
      throw StorageErrors.unchecked(e, "Cannot write data file " + describe(writer));
    }
  }

  /**
   * The partition {@code record} goes to, as a small int: 0 for the first partition this writer
   * was asked about, 1 for the next, and so on. On the writing thread, like {@link #write}.
   */
  public int partitionOf(Record record) {
    partitionKey.partition(record instanceof EventRow row ? row.internal() : wrapper.wrap(record));
    Integer id = partitionIds.get(partitionKey);
    if (id == null) {
      id = partitionIds.size();
      partitionIds.put(partitionKey.copy(), id);
    }
    return id;
  }

  /** Whether the table is partitioned, so that grouping rows by partition can help. */
  public boolean partitioned() {
    return spec.isPartitioned();
  }

  /** Files closed before the end of the run to stay within {@link WriteOptions#maxOpenFiles()}. */
  public long evictions() {
    return evictions;
  }

  private String describe(RollingDataWriter<Record> writer) {
    return writer == null || writer.currentFilePath() == null ? "for partition " + partitionKey : writer.currentFilePath().toString();
  }

  private RollingDataWriter<Record> openWriter() {
    if (open.size() >= maxOpenFiles) {
      Iterator<Map.Entry<StructLike, RollingDataWriter<Record>>> eldest = open.entrySet().iterator();
      RollingDataWriter<Record> evicted = eldest.next().getValue();
      eldest.remove();
      evictions++;
      awaitClosing(); // the previous eviction first: bounded memory, failures surface here
      closeInBackground(evicted);
    }
    StructLike key = partitionKey.copy();
    RollingDataWriter<Record> writer =
        new RollingDataWriter<>(writerFactory, fileFactory, io, targetFileSize, spec, key);
    open.put(key, writer);
    return writer;
  }

  /** Closes every open file (in parallel) and returns all files written. */
  public List<DataFile> complete() {
    if (closed) {
      throw new IllegalStateException("Cannot complete: the writer is closed");
    }
    open.values().forEach(this::closeInBackground);
    open.clear();
    awaitClosing();
    closed = true;
    shutDownClosers();
    if (evictions > 0) {
      LOG.info("Closed {} partition files early to stay within {} open files", evictions, maxOpenFiles);
    }
    return List.copyOf(completed);
  }

  private void closeInBackground(RollingDataWriter<Record> writer) {
    if (closers == null) {
      AtomicInteger threads = new AtomicInteger();
      closers =
          Executors.newFixedThreadPool(
              maxOpenFiles,
              task -> {
                Thread thread = new Thread(task, "floe-close-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
    }
    closing.add(new Closing(writer.currentFilePath(), closers.submit(() -> close(writer))));
  }

  /**
   * Waits for every file being closed and collects its data files; throws the first failure, once
   * all have finished (so that {@link #abort()} finds every file).
   */
  private void awaitClosing() {
    RuntimeException failure = null;
    for (Iterator<Closing> it = closing.iterator(); it.hasNext(); ) {
      Closing file = it.next();
      try {
        completed.addAll(await(file.files()));
        it.remove();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static List<DataFile> await(Future<List<DataFile>> files) {
    try {
      return files.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("Cannot close a data file: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while closing data files", e);
    }
  }

  private void shutDownClosers() {
    if (closers != null) {
      closers.shutdown();
    }
  }

  /**
   * Closes everything and deletes every file this writer wrote, including a file it was in the
   * middle of. Only for data that was never committed.
   *
   * @return what was deleted, and the files that could not be (left for orphan removal)
   */
  public Aborted abort() {
    List<String> paths = new ArrayList<>();
    for (Closing file : closing) {
      if (file.path() != null) {
        paths.add(file.path().toString());
      }
      try {
        await(file.files()).forEach(dataFile -> paths.add(dataFile.location()));
      } catch (RuntimeException | Error e) {
        // A full disk fails the close too; what matters now is deleting the file.
        LOG.debug("Cannot close a data file while aborting: {}", e.toString());
      }
    }
    closing.clear();
    shutDownClosers();
    completed.forEach(file -> paths.add(file.location()));
    for (RollingDataWriter<Record> writer : open.values()) {
      CharSequence current = writer.currentFilePath();
      try {
        writer.close();
        writer.result().dataFiles().forEach(file -> paths.add(file.location()));
      } catch (IOException | RuntimeException | Error e) {
        LOG.debug("Cannot close a data file while aborting: {}", e.toString());
      }
      if (current != null) {
        paths.add(current.toString());
      }
    }
    open.clear();
    closed = true;
    completed.clear();
    Set<String> unique = new LinkedHashSet<>(paths);
    Map<String, String> notDeleted = new LinkedHashMap<>();
    for (String path : unique) {
      try {
        io.deleteFile(path);
      } catch (RuntimeException | Error e) {
        notDeleted.put(path, StorageErrors.rootMessage(e));
      }
    }
    return new Aborted(unique.size() - notDeleted.size(), notDeleted);
  }

  /**
   * What {@link #abort()} did: how many files it deleted, and each file it could not delete with
   * why (left for orphan removal).
   */
  public record Aborted(int deleted, Map<String, String> notDeleted) {
    public Aborted {
      notDeleted = Map.copyOf(notDeleted);
    }
  }

  @Override
  public void close() {
    if (!closed) {
      abort();
    }
  }

  private static List<DataFile> close(RollingDataWriter<Record> writer) {
    CharSequence path = writer.currentFilePath();
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close data file " + path + ": " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      // Iceberg's own "Failed to close current writer": say which file, and what went wrong.
      throw new UncheckedIOException("Cannot close data file " + path + ": " + StorageErrors.rootMessage(e), e.getCause());
    } catch (Error e) {
      throw StorageErrors.unchecked(e, "Cannot close data file " + path);
    }
    return writer.result().dataFiles();
  }

  int openFileCount() {
    return open.size();
  }
}
