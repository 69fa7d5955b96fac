package dev.floe.core.write;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import dev.floe.core.decode.EventRow;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
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
 * <p>File names carry the run id (Iceberg's "operation id"), so files left behind by a dead run are
 * attributable. Not thread-safe.
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
  private long evictions;
  private boolean closed;

  public PartitionedWriter(Table table, String runId, WriteOptions options) {
    this.spec = table.spec();
    this.io = table.io();
    this.targetFileSize = options.targetFileSize().bytes();
    this.maxOpenFiles = options.maxOpenFiles();
    // Ingest does not sort: the files claim no sort order, which would mislead readers.
    this.writerFactory = new RowFileWriterFactory(table, options.parquetProperties());
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
    if (writer == null) {
      writer = openWriter();
    }
    writer.write(record);
  }

  private RollingDataWriter<Record> openWriter() {
    if (open.size() >= maxOpenFiles) {
      Iterator<Map.Entry<StructLike, RollingDataWriter<Record>>> eldest = open.entrySet().iterator();
      RollingDataWriter<Record> evicted = eldest.next().getValue();
      eldest.remove();
      evictions++;
      closeInto(evicted, completed);
    }
    StructLike key = partitionKey.copy();
    RollingDataWriter<Record> writer =
        new RollingDataWriter<>(writerFactory, fileFactory, io, targetFileSize, spec, key);
    open.put(key, writer);
    return writer;
  }

  /** Closes every open file and returns all files written. */
  public List<DataFile> complete() {
    List<DataFile> files = new ArrayList<>(completed);
    for (RollingDataWriter<Record> writer : open.values()) {
      closeInto(writer, files);
    }
    open.clear();
    closed = true;
    completed.clear();
    completed.addAll(files);
    if (evictions > 0) {
      LOG.info("Closed {} partition files early to stay within {} open files", evictions, maxOpenFiles);
    }
    return List.copyOf(files);
  }

  /**
   * Closes everything and deletes every file this writer wrote, including a file it was in the
   * middle of. Only for data that was never committed.
   */
  public void abort() {
    List<String> paths = new ArrayList<>();
    completed.forEach(file -> paths.add(file.location()));
    for (RollingDataWriter<Record> writer : open.values()) {
      CharSequence current = writer.currentFilePath();
      try {
        writer.close();
        writer.result().dataFiles().forEach(file -> paths.add(file.location()));
      } catch (IOException | RuntimeException e) {
        LOG.warn("Cannot close a data file while aborting: {}", e.toString());
      }
      if (current != null) {
        paths.add(current.toString());
      }
    }
    open.clear();
    closed = true;
    completed.clear();
    for (String path : new java.util.LinkedHashSet<>(paths)) {
      try {
        io.deleteFile(path);
      } catch (RuntimeException e) {
        LOG.warn("Cannot delete uncommitted data file {} (left for orphan removal): {}", path, e.toString());
      }
    }
  }

  @Override
  public void close() {
    if (!closed) {
      abort();
    }
  }

  private static void closeInto(RollingDataWriter<Record> writer, List<DataFile> files) {
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close data file " + writer.currentFilePath(), e);
    }
    files.addAll(writer.result().dataFiles());
  }

  int openFileCount() {
    return open.size();
  }
}
