package dev.floe.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's write-ahead spool: requests are appended to the open segment file by one writer
 * thread, which writes every request waiting and then fsyncs once for all of them (group commit),
 * and only then completes their futures, so a 200 always means "on disk". The open segment rolls
 * (is closed and handed to the committer) when it reaches the roll size, when its first request is
 * older than the roll interval, when no request came for the roll inactivity, or when asked.
 */
final class WriteAheadSpool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteAheadSpool.class);
  static final String SUFFIX = ".wal";
  /** How often the writer wakes without requests, to roll an idle segment on time. */
  private static final long TICK_MILLIS = 50;

  private final Path directory;
  private final long rollSize;
  private final Duration rollInterval;
  private final Duration rollInactivity;
  private final Clock clock;
  private final Consumer<Segment> rolled;
  private final LongConsumer synced;
  private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final AtomicLong spooled = new AtomicLong();
  private final Thread writer;
  private volatile Instant openSince;
  private volatile boolean closed;

  // Owned by the writer thread.
  private FileChannel channel;
  private Path path;
  private long bytes;
  private List<Segment.Frame> frames = new ArrayList<>();
  private Instant lastAppend;
  private long nextSequence;

  private sealed interface Op permits Append, Roll, Close {}

  /** A request's NDJSON: the first {@code length} bytes of {@code payload}. */
  private record Append(Optional<String> key, byte[] payload, int length, CompletableFuture<Void> done) implements Op {}

  private record Roll(CompletableFuture<Void> done) implements Op {}

  private record Close(CompletableFuture<Void> done) implements Op {}

  /**
   * @param rolled receives each closed segment, on the writer thread
   * @param synced receives how long each group's fsync took, in nanoseconds
   */
  WriteAheadSpool(Path directory, long rollSize, Duration rollInterval, Duration rollInactivity, Clock clock,
      Consumer<Segment> rolled, LongConsumer synced) {
    this.directory = directory;
    this.rollSize = rollSize;
    this.rollInterval = rollInterval;
    this.rollInactivity = rollInactivity;
    this.clock = clock;
    this.rolled = rolled;
    this.synced = synced;
    this.writer = new Thread(this::run, "floe-serve-spool-" + directory.getFileName());
    this.writer.setDaemon(true);
  }

  /**
   * Recovers what an earlier process left (each segment cut back to its last intact frame; a torn
   * frame was never answered) and starts the writer.
   *
   * @return the segments left, oldest first, for the committer
   */
  List<Segment> open() {
    List<Segment> left = new ArrayList<>();
    try {
      Files.createDirectories(directory);
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
        listing.forEach(files::add);
      }
      files.sort(null);
      for (Path file : files) {
        nextSequence = Math.max(nextSequence, sequence(file) + 1);
        Segment.Scan scan = Segment.scan(file);
        if (scan.intactBytes() < scan.fileBytes()) {
          LOG.warn("Spool segment {} ends in a torn request ({} bytes, never answered): cutting it off", file,
              scan.fileBytes() - scan.intactBytes());
          try (FileChannel truncate = FileChannel.open(file, StandardOpenOption.WRITE)) {
            truncate.truncate(scan.intactBytes());
            truncate.force(true);
          }
        }
        if (scan.frames().isEmpty()) {
          Files.delete(file);
          continue;
        }
        Instant modified = Files.getLastModifiedTime(file).toInstant();
        left.add(new Segment(file, scan.intactBytes(), scan.frames(), modified));
        spooled.addAndGet(scan.intactBytes());
      }
      syncDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the spool " + directory + ": " + e.getMessage(), e);
    }
    if (!left.isEmpty()) {
      LOG.info("Spool {}: {} segments ({} bytes) left by an earlier run, to be committed", directory, left.size(),
          spooled.get());
    }
    writer.start();
    return left;
  }

  /**
   * Appends one request, the first {@code length} bytes of {@code payload} (which must not change
   * until the future completes); the future completes once it is on disk, or fails with the I/O error.
   */
  CompletableFuture<Void> append(Optional<String> key, byte[] payload, int length) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("Cannot append to the spool " + directory + ": it is closed"));
      return done;
    }
    queue.add(new Append(key, payload, length, done));
    return done;
  }

  /** Closes the open segment (if it holds anything) and hands it to the committer. */
  CompletableFuture<Void> roll() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(new Roll(done));
    return done;
  }

  /** Bytes spooled and not yet committed: the open segment and every rolled one not yet deleted. */
  long spooledBytes() {
    return spooled.get();
  }

  /** When the open segment's first request arrived, if one is open. */
  Optional<Instant> openSince() {
    return Optional.ofNullable(openSince);
  }

  /** Deletes a segment whose requests the table now holds. */
  void delete(Segment segment) {
    try {
      Files.deleteIfExists(segment.path());
      spooled.addAndGet(-segment.bytes());
      syncDirectory();
    } catch (IOException e) {
      // Its requests are committed: a segment left behind is offered again and skipped.
      LOG.warn("Cannot delete committed spool segment {}: {}", segment.path(), e.getMessage());
    }
  }

  /** Stops taking requests, rolls the open segment and stops the writer. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(new Close(done));
    try {
      done.get(30, TimeUnit.SECONDS);
      writer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("Cannot close the spool {} cleanly: {}", directory, e.getMessage());
    }
  }

  private void run() {
    List<Op> ops = new ArrayList<>();
    while (true) {
      ops.clear();
      try {
        Op first = queue.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
        if (first != null) {
          ops.add(first);
          queue.drainTo(ops);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      List<Append> written = new ArrayList<>();
      List<CompletableFuture<Void>> rolls = new ArrayList<>();
      CompletableFuture<Void> close = null;
      for (Op op : ops) {
        if (op instanceof Append append) {
          written.add(append);
        } else if (op instanceof Roll roll) {
          rolls.add(roll.done());
        } else if (op instanceof Close c) {
          close = c.done();
        }
      }
      if (!written.isEmpty()) {
        write(written);
      }
      Instant now = clock.instant();
      boolean due = channel != null
          && (bytes >= rollSize
              || !now.isBefore(openSince.plus(rollInterval))
              || !now.isBefore(lastAppend.plus(rollInactivity)));
      if (due || !rolls.isEmpty() || close != null) {
        rollOpenSegment();
      }
      rolls.forEach(done -> done.complete(null));
      if (close != null) {
        // Requests that raced the close: refuse them rather than leave them unanswered.
        List<Op> late = new ArrayList<>();
        queue.drainTo(late);
        for (Op op : late) {
          if (op instanceof Append append) {
            append.done().completeExceptionally(new IllegalStateException("Cannot append: the spool is closing"));
          } else if (op instanceof Roll roll) {
            roll.done().complete(null);
          }
        }
        close.complete(null);
        return;
      }
    }
  }

  /** Writes a group of requests and fsyncs once; on an I/O error none of them is answered 200. */
  private void write(List<Append> group) {
    long before = bytes;
    List<Segment.Frame> added = new ArrayList<>();
    try {
      if (channel == null) {
        openSegment();
      }
      long position = bytes;
      // Each frame as its header and the request's own bytes: one gathering write, no copy.
      ByteBuffer[] buffers = new ByteBuffer[2 * group.size()];
      for (int i = 0; i < group.size(); i++) {
        Append append = group.get(i);
        ByteBuffer header = Segment.header(append.key(), append.payload(), append.length());
        buffers[2 * i] = header;
        buffers[2 * i + 1] = ByteBuffer.wrap(append.payload(), 0, append.length());
        added.add(new Segment.Frame(append.key(), position + header.remaining(), append.length()));
        position += header.remaining() + append.length();
      }
      long total = position - bytes;
      long done = 0;
      while (done < total) {
        done += channel.write(buffers);
      }
      long syncStart = System.nanoTime();
      channel.force(false);
      synced.accept(System.nanoTime() - syncStart);
      bytes = position;
      frames.addAll(added);
      spooled.addAndGet(total);
      lastAppend = clock.instant();
      group.forEach(append -> append.done().complete(null));
    } catch (IOException | RuntimeException e) {
      LOG.error("Cannot write {} requests to the spool {}: {}", group.size(), directory, e.toString());
      UncheckedIOException failure = new UncheckedIOException(
          new IOException("Cannot write to the spool " + directory + ": " + e.getMessage(), e));
      group.forEach(append -> append.done().completeExceptionally(failure));
      // Cut off whatever part of the group reached the file, so the segment stays a clean log.
      if (channel != null) {
        try {
          channel.truncate(before);
          channel.position(before);
        } catch (IOException truncate) {
          LOG.warn("Cannot cut back spool segment {}: {}", path, truncate.getMessage());
        }
      }
    }
  }

  private void openSegment() throws IOException {
    Files.createDirectories(directory);
    path = directory.resolve(String.format("%012d-%s%s", nextSequence++, UUID.randomUUID(), SUFFIX));
    channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    syncDirectory();
    bytes = 0;
    frames = new ArrayList<>();
    openSince = clock.instant();
    lastAppend = openSince;
  }

  private void rollOpenSegment() {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("Cannot close spool segment {}: {}", path, e.getMessage());
    }
    Segment segment = new Segment(path, bytes, frames, openSince);
    channel = null;
    openSince = null;
    if (frames.isEmpty()) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        LOG.warn("Cannot delete empty spool segment {}: {}", path, e.getMessage());
      }
      spooled.addAndGet(-bytes);
      return;
    }
    rolled.accept(segment);
  }

  private void syncDirectory() throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  private static long sequence(Path file) {
    String name = file.getFileName().toString();
    int dash = name.indexOf('-');
    try {
      return dash > 0 ? Long.parseLong(name.substring(0, dash)) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
