package dev.floe.core.maintenance;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;

/**
 * Sorts any number of records in bounded memory: at most {@code maxRowsInMemory} are held at once;
 * beyond that, sorted runs are spilled to local Parquet files and merged, at most {@link #FAN_IN}
 * runs at a time (so merge memory is bounded too: one row group per open run). The values go
 * through Iceberg's generic Parquet writer and reader unchanged; the final merge checks that it
 * returned the rows spilled (a {@link RowDigest} of each side) and fails otherwise. Not thread-safe.
 */
final class ExternalSorter implements Closeable {
  static final int FAN_IN = 32;
  /** Spilled runs are read back one row group per open run at a time: keep them small. */
  private static final Map<String, String> SPILL_PROPERTIES =
      Map.of(
          "write.parquet.row-group-size-bytes", Long.toString(1024 * 1024),
          "write.parquet.compression-codec", "zstd",
          "write.parquet.compression-level", "1");

  private final Schema schema;
  private final Comparator<Record> order;
  private final int maxRowsInMemory;
  private final Path tempRoot;
  private final List<Record> buffer = new ArrayList<>();
  private final List<Path> runs = new ArrayList<>();
  private final RowDigest spilled = new RowDigest();
  private final List<Closeable> open = new ArrayList<>();
  private Path directory;
  private int runCount;

  ExternalSorter(Schema schema, Comparator<Record> order, int maxRowsInMemory, Path tempRoot) {
    this.schema = schema;
    this.order = order;
    this.maxRowsInMemory = maxRowsInMemory;
    this.tempRoot = tempRoot;
  }

  void add(Record record) {
    buffer.add(record);
    if (buffer.size() >= maxRowsInMemory) {
      spill();
    }
  }

  /** How many sorted runs went to disk so far. */
  int spilledRuns() {
    return runCount;
  }

  /** Every record added, in order; the iterator is closed by {@link #close()}. */
  Iterator<Record> sorted() {
    if (runs.isEmpty()) {
      buffer.sort(order);
      return buffer.iterator();
    }
    if (!buffer.isEmpty()) {
      spill();
    }
    while (runs.size() > FAN_IN) {
      List<Path> inputs = new ArrayList<>(runs.subList(0, FAN_IN));
      runs.subList(0, FAN_IN).clear();
      Path merged = newRun();
      try (Merge merge = new Merge(inputs, null)) {
        write(merge, merged);
      }
      inputs.forEach(ExternalSorter::delete);
      runs.add(merged);
    }
    Merge merge = new Merge(runs, spilled);
    open.add(merge);
    return merge;
  }

  private void spill() {
    buffer.sort(order);
    buffer.forEach(spilled::add);
    Path run = newRun();
    write(buffer.iterator(), run);
    runs.add(run);
    buffer.clear();
  }

  private Path newRun() {
    try {
      if (directory == null) {
        Files.createDirectories(tempRoot);
        directory = Files.createTempDirectory(tempRoot, "floe-sort-");
      }
      runCount++;
      return directory.resolve("run-" + runCount + ".parquet");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a sort spill file under " + tempRoot + ": " + e.getMessage(), e);
    }
  }

  private void write(Iterator<Record> records, Path file) {
    try (FileAppender<Record> appender =
        Parquet.write(org.apache.iceberg.Files.localOutput(file.toFile()))
            .schema(schema)
            .createWriterFunc(GenericParquetWriter::create)
            .setAll(SPILL_PROPERTIES)
            .build()) {
      records.forEachRemaining(appender::add);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write sort spill file " + file + ": " + e.getMessage(), e);
    }
  }

  private CloseableIterable<Record> read(Path file) {
    return Parquet.read(org.apache.iceberg.Files.localInput(file.toFile()))
        .project(schema)
        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
        .build();
  }

  @Override
  public void close() {
    buffer.clear();
    for (Closeable closeable : open) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        // Only local temp files are behind it; they are deleted below.
      }
    }
    open.clear();
    runs.forEach(ExternalSorter::delete);
    runs.clear();
    if (directory != null) {
      try (var leftovers = Files.list(directory)) {
        leftovers.forEach(ExternalSorter::delete);
      } catch (IOException e) {
        // Nothing more to do: the directory is in the temp area.
      }
      delete(directory);
      directory = null;
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // A leftover temp file is harmless; the run goes on.
    }
  }

  /** A k-way merge of sorted runs; given {@code expected}, it checks at its end that it returned those rows. */
  private final class Merge implements Iterator<Record>, Closeable {
    private record Head(Record record, int run) {}

    private final List<CloseableIterable<Record>> iterables = new ArrayList<>();
    private final List<CloseableIterator<Record>> iterators = new ArrayList<>();
    private final PriorityQueue<Head> heads;
    private final RowDigest expected;
    private final RowDigest returned = new RowDigest();

    Merge(List<Path> files, RowDigest expected) {
      this.expected = expected;
      this.heads = new PriorityQueue<>(Math.max(1, files.size()), (a, b) -> order.compare(a.record(), b.record()));
      try {
        for (Path file : files) {
          CloseableIterable<Record> iterable = read(file);
          iterables.add(iterable);
          CloseableIterator<Record> iterator = iterable.iterator();
          iterators.add(iterator);
          advance(iterators.size() - 1);
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    private void advance(int run) {
      CloseableIterator<Record> iterator = iterators.get(run);
      if (iterator.hasNext()) {
        heads.add(new Head(iterator.next(), run));
      }
    }

    @Override
    public boolean hasNext() {
      if (!heads.isEmpty()) {
        return true;
      }
      if (expected != null && !returned.sameRowsAs(expected)) {
        throw new IllegalStateException(
            "Cannot sort: the merged runs returned other rows than were spilled (" + returned + " against " + expected + ")");
      }
      return false;
    }

    @Override
    public Record next() {
      Head head = heads.poll();
      if (head == null) {
        throw new NoSuchElementException();
      }
      advance(head.run());
      if (expected != null) {
        returned.add(head.record());
      }
      return head.record();
    }

    @Override
    public void close() {
      for (CloseableIterator<Record> iterator : iterators) {
        closeQuietly(iterator);
      }
      for (CloseableIterable<Record> iterable : iterables) {
        closeQuietly(iterable);
      }
    }

    private void closeQuietly(Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException e) {
        // Local spill files only.
      }
    }
  }
}
