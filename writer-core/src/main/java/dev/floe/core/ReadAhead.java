package dev.floe.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Opens a run's batches ahead of the decoder: while one batch is decoded, the next {@code depth}
 * are opened and their first {@link #BUFFER_BYTES} read on their own threads, so that a run of many
 * small S3 objects waits for one round trip at a time rather than one per object. Memory stays
 * bounded: at most {@code depth + 1} buffers, each up to {@value #BUFFER_BYTES} bytes; a batch
 * longer than that goes on streaming from where its buffer ends.
 *
 * <p>What the decoder sees is what opening and reading the batch itself would have given: an
 * {@link IOException} from opening is thrown by {@link #open}, and a failure while reading ahead is
 * thrown after the bytes read before it, where reading would have thrown it.
 */
final class ReadAhead implements AutoCloseable {
  static final int BUFFER_BYTES = 1 << 20;
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final List<Batch> batches;
  private final int depth;
  private final ExecutorService pool;
  private final Future<?>[] tasks;
  /** What each task fetched; kept apart from its future, so that close() finds it whatever the race. */
  private final AtomicReferenceArray<Fetched> fetched;
  /** Batches skipped or closed: a fetch still running for one closes what it fetched itself. */
  private final AtomicIntegerArray released;
  private volatile boolean closed;
  private int submitted;
  private int opened;

  ReadAhead(List<Batch> batches, int depth) {
    this.batches = List.copyOf(batches);
    this.depth = batches.size() <= 1 ? 0 : depth;
    this.tasks = new Future<?>[batches.size()];
    this.fetched = new AtomicReferenceArray<>(batches.size());
    this.released = new AtomicIntegerArray(batches.size());
    if (this.depth == 0) {
      pool = null;
    } else {
      int id = POOLS.incrementAndGet();
      AtomicInteger threads = new AtomicInteger();
      pool = Executors.newFixedThreadPool(Math.min(this.depth, batches.size()), runnable -> {
        Thread thread = new Thread(runnable, "floe-read-ahead-" + id + "-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
    }
  }

  /**
   * Opens batch {@code index} of the run's order; batches are opened in ascending order, and those
   * skipped are never opened again.
   */
  InputStream open(int index) throws IOException {
    if (pool == null) {
      return batches.get(index).input().open();
    }
    for (; submitted < batches.size() && submitted <= index + depth; submitted++) {
      int at = submitted;
      tasks[at] = pool.submit(() -> fetch(at));
    }
    for (; opened < index; opened++) {
      release(opened);
    }
    opened = index + 1;
    try {
      tasks[index].get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while opening " + batches.get(index).source(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot read ahead " + batches.get(index).source(), e.getCause());
    }
    tasks[index] = null;
    Fetched result = fetched.getAndSet(index, null);
    if (result.openFailure() != null) {
      throw rethrow(result.openFailure());
    }
    return new Buffered(result);
  }

  /** Stops reading ahead and closes what was opened and not handed out. */
  @Override
  public void close() {
    closed = true;
    if (pool == null) {
      return;
    }
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("Cannot stop reading ahead: a read did not end within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (int i = 0; i < batches.size(); i++) {
      release(i);
    }
  }

  private void release(int index) {
    released.set(index, 1);
    if (tasks[index] != null) {
      tasks[index].cancel(true);
      tasks[index] = null;
    }
    Fetched result = fetched.getAndSet(index, null);
    if (result != null) {
      result.closeRest();
    }
  }

  private void fetch(int index) {
    Batch batch = batches.get(index);
    InputStream in;
    try {
      in = batch.input().open();
    } catch (IOException | RuntimeException | Error e) {
      fetched.set(index, new Fetched(null, 0, null, null, e));
      return;
    }
    byte[] buffer = new byte[8192];
    int length = 0;
    Throwable failure = null;
    boolean more = true;
    try {
      while (length < BUFFER_BYTES) {
        if (length == buffer.length) {
          buffer = Arrays.copyOf(buffer, Math.min(BUFFER_BYTES, buffer.length * 2));
        }
        int read = in.read(buffer, length, buffer.length - length);
        if (read < 0) {
          more = false;
          break;
        }
        length += read;
      }
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
    }
    InputStream rest = more && failure == null ? in : null;
    if (rest == null) {
      closeQuietly(in);
    }
    fetched.set(index, new Fetched(buffer, length, failure, rest, null));
    // Released while this fetch ran (skipped, or the run closed): whichever of the two takes the
    // result closes it, so it is closed once and without waiting for the end of the run.
    if (closed || released.get(index) == 1) {
      Fetched unwanted = fetched.getAndSet(index, null);
      if (unwanted != null) {
        unwanted.closeRest();
      }
    }
  }

  private static IOException rethrow(Throwable failure) {
    if (failure instanceof IOException io) {
      return io;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw (Error) failure;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException | RuntimeException e) {
      // Nothing of it is needed any more.
    }
  }

  /** A batch's first bytes, how reading them ended, and the stream that goes on where they end. */
  private record Fetched(byte[] head, int length, Throwable failure, InputStream rest, Throwable openFailure) {
    void closeRest() {
      if (rest != null) {
        closeQuietly(rest);
      }
    }
  }

  /** The bytes read ahead, then the failure that stopped them or the rest of the stream. */
  private static final class Buffered extends InputStream {
    private final Fetched fetched;
    private int position;

    Buffered(Fetched fetched) {
      this.fetched = fetched;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (position < fetched.length()) {
        int n = Math.min(len, fetched.length() - position);
        System.arraycopy(fetched.head(), position, b, off, n);
        position += n;
        return n;
      }
      if (fetched.failure() != null) {
        throw rethrow(fetched.failure());
      }
      return fetched.rest() == null ? -1 : fetched.rest().read(b, off, len);
    }

    @Override
    public void close() throws IOException {
      if (fetched.rest() != null) {
        fetched.rest().close();
      }
    }
  }
}
