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
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import org.apache.iceberg.io.CloseableIterator;

/**
 * Sorts any number of rows in bounded memory: at most {@code maxRowsInMemory} rows, or rows of
 * {@code maxBytesInMemory} bytes as the {@link Buffer} measures them, are held at once;
 * beyond that, sorted runs are spilled to local files in the {@link RunFormat} given and merged, at
 * most {@link #FAN_IN} runs at a time (so merge memory is bounded too: one read buffer per open
 * run). The final merge checks that it returned the rows spilled (a {@link RowDigest} of each
 * side) and fails otherwise. Not thread-safe.
 */
final class ExternalSorter<T> implements Closeable {
  static final int FAN_IN = 32;

  /** How sorted runs are written to local files and read back, and how a row is hashed for the check. */
  interface RunFormat<T> {
    void write(Iterator<T> rows, Path file) throws IOException;

    CloseableIterator<T> read(Path file) throws IOException;

    long hash(T row);
  }

  /**
   * How the rows held in memory are sorted and measured. The default sorts with the comparator
   * and measures nothing, so only the row limit spills.
   */
  interface Buffer<T> {
    /** Sorts the rows in the sorter's order, stably (as {@link List#sort}). */
    void sort(List<T> rows);

    /** About how many bytes of memory a row holds while in the buffer, for the sorter's byte limit. */
    default long bytes(T row) {
      return 0;
    }

    /** The rows held in memory were spilled and are no longer read: their memory may be reused. */
    default void spilled() {}
  }

  private final Comparator<T> order;
  private final Buffer<T> memory;
  private final int maxRowsInMemory;
  private final long maxBytesInMemory;
  private final Path tempRoot;
  private final RunFormat<T> format;
  private final List<T> buffer = new ArrayList<>();
  private long bufferBytes;
  private final List<Path> runs = new ArrayList<>();
  private final RowDigest spilled = new RowDigest();
  private final List<Closeable> open = new ArrayList<>();
  private Path directory;
  private int runCount;

  ExternalSorter(Comparator<T> order, int maxRowsInMemory, Path tempRoot, RunFormat<T> format) {
    this(order, rows -> rows.sort(order), maxRowsInMemory, Long.MAX_VALUE, tempRoot, format);
  }

  /**
   * A sorter that spills when it holds {@code maxRowsInMemory} rows or {@code maxBytesInMemory}
   * bytes as {@code memory} measures them; {@code memory} must sort as {@code order} does.
   */
  ExternalSorter(
      Comparator<T> order, Buffer<T> memory, int maxRowsInMemory, long maxBytesInMemory, Path tempRoot, RunFormat<T> format) {
    this.order = order;
    this.memory = memory;
    this.maxRowsInMemory = maxRowsInMemory;
    this.maxBytesInMemory = maxBytesInMemory;
    this.tempRoot = tempRoot;
    this.format = format;
  }

  void add(T record) {
    buffer.add(record);
    bufferBytes += memory.bytes(record);
    if (buffer.size() >= maxRowsInMemory || bufferBytes >= maxBytesInMemory) {
      spill();
    }
  }

  /** How many sorted runs went to disk so far. */
  int spilledRuns() {
    return runCount;
  }

  /** Every record added, in order; the iterator is closed by {@link #close()}. */
  Iterator<T> sorted() {
    // The rows still in memory are the last run: merged from the buffer, not written and read back.
    memory.sort(buffer);
    if (runs.isEmpty()) {
      return buffer.iterator();
    }
    while (runs.size() > FAN_IN) {
      List<Path> inputs = new ArrayList<>(runs.subList(0, FAN_IN));
      runs.subList(0, FAN_IN).clear();
      Path merged = newRun();
      try (Merge merge = new Merge(inputs, null, List.of())) {
        write(merge, merged);
      }
      inputs.forEach(ExternalSorter::delete);
      runs.add(merged);
    }
    Merge merge = new Merge(runs, spilled, buffer);
    open.add(merge);
    return merge;
  }

  private void spill() {
    memory.sort(buffer);
    for (T row : buffer) {
      spilled.add(format.hash(row));
    }
    Path run = newRun();
    write(buffer.iterator(), run);
    runs.add(run);
    buffer.clear();
    bufferBytes = 0;
    memory.spilled();
  }

  private Path newRun() {
    try {
      if (directory == null) {
        Files.createDirectories(tempRoot);
        directory = Files.createTempDirectory(tempRoot, "floe-sort-");
      }
      runCount++;
      return directory.resolve("run-" + runCount);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a sort spill file under " + tempRoot + ": " + e.getMessage(), e);
    }
  }

  private void write(Iterator<T> rows, Path file) {
    try {
      format.write(rows, file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write sort spill file " + file + ": " + e.getMessage(), e);
    }
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

  /**
   * A k-way merge of sorted runs on disk and, last, one sorted run in memory; given {@code
   * expected}, it checks at its end that the runs on disk returned those rows.
   */
  private final class Merge implements Iterator<T>, Closeable {
    private final class Head {
      final T record;
      final int run;

      Head(T record, int run) {
        this.record = record;
        this.run = run;
      }
    }

    private final List<CloseableIterator<T>> iterators = new ArrayList<>();
    private final PriorityQueue<Head> heads;
    private final RowDigest expected;
    private final RowDigest returned = new RowDigest();

    private final int onDisk;

    Merge(List<Path> files, RowDigest expected, List<T> inMemory) {
      this.expected = expected;
      this.onDisk = files.size();
      this.heads = new PriorityQueue<>(Math.max(1, files.size() + 1), (a, b) -> order.compare(a.record, b.record));
      try {
        for (Path file : files) {
          iterators.add(format.read(file));
          advance(iterators.size() - 1);
        }
        iterators.add(CloseableIterator.withClose(inMemory.iterator()));
        advance(iterators.size() - 1);
      } catch (IOException e) {
        close();
        throw new UncheckedIOException("Cannot read a sort spill file: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    private void advance(int run) {
      CloseableIterator<T> iterator = iterators.get(run);
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
    public T next() {
      Head head = heads.poll();
      if (head == null) {
        throw new NoSuchElementException();
      }
      advance(head.run);
      if (expected != null && head.run < onDisk) {
        returned.add(format.hash(head.record));
      }
      return head.record;
    }

    @Override
    public void close() {
      for (CloseableIterator<T> iterator : iterators) {
        closeQuietly(iterator);
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
