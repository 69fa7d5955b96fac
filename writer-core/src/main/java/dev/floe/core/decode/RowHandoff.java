package dev.floe.core.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Passes decoded rows to a second thread, in order, so that decoding (reading, UTF-8 checks, JSON)
 * and what follows it (the filter, Parquet encoding and ZSTD, uploads) run on two cores at once.
 *
 * <p>Rows are copied into blocks of up to {@value #BLOCK_ROWS} rows; {@value #BLOCKS} blocks are
 * reused in turn, so memory stays bounded whatever the batch size, and the decoding thread waits
 * when the other one falls behind. A failure of the consumer (a storage error, say) surfaces on the
 * decoding thread as the same exception, at its next row or at {@link #finish()}; once it has
 * failed, the consumer sees no further rows. {@link #close()} without {@link #finish()} (the
 * decoder failed) stops the consumer after the row it is on and waits for it, so the caller may
 * clean up what the consumer wrote once {@code close} returns.
 *
 * <p>A handoff that clusters (given each row's partition) hands the consumer {@value
 * #CLUSTER_BLOCKS} blocks at a time with their rows grouped by partition: the partitions in the
 * order they first appear, and each partition's rows in the order they came. A writer with fewer
 * open files than a hash-partitioned spec has partitions then closes a file per partition per
 * window instead of one per change of partition. It holds at most {@code 2 * CLUSTER_BLOCKS +
 * BLOCKS} blocks (one window being written while the next fills), allocated only as they are
 * needed, ~50 MB at most for a schema of ten columns.
 *
 * <p>A handoff that has finished leaves its blocks to the next one of the same width in the process
 * (at most {@value #POOLED} blocks are kept): a process that writes one batch after another, as
 * {@code floe serve} commits a roll every few seconds, does not make up to ~50 MB of blocks anew
 * for every write. Made anew, they outlive the young generation while the write runs, so the old
 * generation filled with them and was collected in full every few rolls.
 */
public final class RowHandoff implements Consumer<EventRow>, AutoCloseable {
  static final int BLOCK_ROWS = 1024;
  static final int BLOCKS = 4;
  /** Blocks whose rows a clustering handoff groups by partition at once. */
  static final int CLUSTER_BLOCKS = 16;
  /** A block is handed over early once its string bytes pass this. */
  static final int BLOCK_BYTES = 1 << 20;

  /** Blocks kept for the next handoff, at most: as many as one clustering handoff holds. */
  static final int POOLED = BLOCKS + 2 * CLUSTER_BLOCKS;

  private static final Block END = new Block(0);
  private static final ConcurrentLinkedQueue<Block> POOL = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger POOL_SIZE = new AtomicInteger();

  private final BlockingQueue<Block> full;
  private final BlockingQueue<Block> free;
  private final EventRow view;
  private final Consumer<EventRow> consumer;
  /** Each row's partition, asked on the consumer's thread; null when the handoff does not cluster. */
  private final ToIntFunction<EventRow> partitions;
  private final int maxBlocks;
  /** Blocks made so far; only the decoding thread makes them. */
  private int allocated;
  private final Thread thread;
  private volatile Throwable failure;
  private volatile boolean stopped;
  private Block current;
  private boolean ended;

  /**
   * Starts the consuming thread.
   *
   * @param name the thread's name
   * @param view an empty row of the decoder's schema, the one the consumer is given
   */
  RowHandoff(String name, EventRow view, Consumer<EventRow> consumer) {
    this(name, view, null, consumer);
  }

  /**
   * Starts the consuming thread; with {@code partitions}, it clusters.
   *
   * @param partitions a row's partition as a small int, asked on the consuming thread just before
   *     the rows of a window are handed on; null not to cluster
   */
  RowHandoff(String name, EventRow view, ToIntFunction<EventRow> partitions, Consumer<EventRow> consumer) {
    this.view = Objects.requireNonNull(view, "view");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.partitions = partitions;
    this.maxBlocks = partitions == null ? BLOCKS : BLOCKS + 2 * CLUSTER_BLOCKS;
    // Every block and the end fit at once: ending never waits.
    this.full = new ArrayBlockingQueue<>(maxBlocks + 1);
    this.free = new ArrayBlockingQueue<>(maxBlocks);
    for (allocated = 0; allocated < BLOCKS; allocated++) {
      free.add(newBlock());
    }
    this.thread = new Thread(this::consume, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Copies {@code row} for the consumer; throws the consumer's failure if it has failed. */
  @Override
  public void accept(EventRow row) {
    throwIfFailed();
    if (current == null) {
      current = nextFree();
    }
    current.add(row);
    if (current.rows == BLOCK_ROWS || current.used >= BLOCK_BYTES) {
      handOver();
    }
  }

  /**
   * Hands over the last rows and waits until the consumer has taken every row. Interrupted while
   * waiting, it still waits for the consumer to stop (after the row it is on), so the caller may
   * clean up what the consumer wrote, and then throws.
   */
  public void finish() {
    if (ended) {
      return;
    }
    if (current != null && current.rows > 0) {
      handOver();
    }
    end(false);
    throwIfFailed();
  }

  /** Stops the consumer unless {@link #finish()} ran, and waits for it, even when interrupted. */
  @Override
  public void close() {
    if (!ended) {
      end(true);
    }
  }

  /** Sends the end (at once when {@code stop}) and joins the consumer, interrupted or not. */
  private void end(boolean stop) {
    ended = true;
    if (stop) {
      stopped = true;
      full.clear();
    }
    // Never blocks: the queue holds every block and the end at once.
    full.offer(END);
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        stopped = true;
      }
    }
    // join() may also return normally when the consumer ended as the interrupt came in.
    interrupted |= Thread.currentThread().isInterrupted();
    if (!stop && failure == null) {
      // Every block is back in the free queue, cleared, and neither thread touches it again.
      for (Block block; (block = free.poll()) != null; ) {
        pool(block);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      if (!stop) {
        throw new IllegalStateException("Interrupted while waiting for rows to be written");
      }
    }
  }

  private void handOver() {
    put(current);
    current = null;
  }

  /** A free block; a clustering handoff makes one while it has made fewer than it may hold. */
  private Block nextFree() {
    Block block = free.poll();
    if (block != null) {
      return block;
    }
    if (allocated < maxBlocks) {
      allocated++;
      return newBlock();
    }
    return take(free);
  }

  private void consume() {
    List<Block> window = new ArrayList<>(CLUSTER_BLOCKS);
    boolean endTaken = false;
    try {
      for (Block block = take(full); block != END; block = take(full)) {
        if (partitions == null) {
          for (int i = 0; i < block.rows && !stopped && failure == null; i++) {
            block.replay(i, view);
            consumer.accept(view);
          }
          recycle(block);
        } else {
          window.add(block);
          if (window.size() == CLUSTER_BLOCKS) {
            writeClustered(window);
          }
        }
      }
      endTaken = true;
      writeClustered(window);
    } catch (Throwable t) {
      failure = t;
      window.forEach(this::recycle);
      if (!endTaken) {
        drain(); // the end is still to come; after it, nothing is
      }
    }
  }

  /**
   * Hands on the rows of {@code window} grouped by partition (a stable counting sort: partitions in
   * the order they first appear, each one's rows in the order they came), then frees its blocks.
   */
  private void writeClustered(List<Block> window) {
    int total = 0;
    for (Block block : window) {
      total += block.rows;
    }
    int[] blockOf = new int[total];
    int[] rowOf = new int[total];
    int[] group = new int[total];
    // Partition ids are the caller's (dense from 0 over the run); groups are this window's, in order.
    int[] groupOfPartition = new int[16];
    Arrays.fill(groupOfPartition, -1);
    int[] sizes = new int[16];
    int groups = 0;
    int n = 0;
    for (int b = 0; b < window.size(); b++) {
      Block block = window.get(b);
      for (int i = 0; i < block.rows; i++, n++) {
        block.replay(i, view);
        int partition = partitions.applyAsInt(view);
        if (partition >= groupOfPartition.length) {
          int old = groupOfPartition.length;
          groupOfPartition = Arrays.copyOf(groupOfPartition, Math.max(2 * old, partition + 1));
          Arrays.fill(groupOfPartition, old, groupOfPartition.length, -1);
        }
        if (groupOfPartition[partition] < 0) {
          if (groups == sizes.length) {
            sizes = Arrays.copyOf(sizes, 2 * groups);
          }
          groupOfPartition[partition] = groups++;
        }
        blockOf[n] = b;
        rowOf[n] = i;
        group[n] = groupOfPartition[partition];
        sizes[group[n]]++;
      }
    }
    int[] next = new int[groups];
    for (int g = 1; g < groups; g++) {
      next[g] = next[g - 1] + sizes[g - 1];
    }
    int[] order = new int[total];
    for (int r = 0; r < total; r++) {
      order[next[group[r]]++] = r;
    }
    for (int p = 0; p < total && !stopped && failure == null; p++) {
      int r = order[p];
      window.get(blockOf[r]).replay(rowOf[r], view);
      consumer.accept(view);
    }
    for (Block block : window) {
      recycle(block);
    }
    window.clear();
  }

  /** A block left by an earlier handoff of this width, else a new one. */
  private Block newBlock() {
    Block block = POOL.poll();
    if (block != null) {
      POOL_SIZE.decrementAndGet();
      if (block.columns == view.size()) {
        return block;
      }
    }
    return new Block(view.size());
  }

  private static void pool(Block block) {
    if (POOL_SIZE.incrementAndGet() <= POOLED) {
      POOL.offer(block);
    } else {
      POOL_SIZE.decrementAndGet();
    }
  }

  /** Blocks kept for the next handoff (for tests). */
  static int pooled() {
    return POOL_SIZE.get();
  }

  private void recycle(Block block) {
    block.clear();
    // Never full: it holds at most the blocks made.
    free.offer(block);
  }

  /** After a failure: recycles blocks until the end, so that the decoding thread never waits forever. */
  private void drain() {
    try {
      for (Block block = full.take(); block != END; block = full.take()) {
        recycle(block);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void throwIfFailed() {
    Throwable t = failure;
    if (t instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (t instanceof Error error) {
      throw error;
    }
    if (t != null) {
      throw new IllegalStateException("Cannot write rows: " + t.getMessage(), t);
    }
  }

  private Block take(BlockingQueue<Block> queue) {
    try {
      return queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while handing rows over", e);
    }
  }

  private void put(Block block) {
    try {
      full.put(block);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while handing rows over", e);
    }
  }

  /** Rows copied column by column: presence, longs (doubles by their bits), string bytes. */
  private static final class Block {
    private final int columns;
    private final boolean[] present;
    private final long[] longs;
    private final int[] offsets;
    private final int[] lengths;
    /** Values of object kinds (decimals, binary, structs, lists); null when the schema has none. */
    private Object[] objects;
    private byte[] bytes;
    private int rows;
    private int used;

    Block(int columns) {
      this.columns = columns;
      this.present = new boolean[BLOCK_ROWS * columns];
      this.longs = new long[BLOCK_ROWS * columns];
      this.offsets = new int[BLOCK_ROWS * columns];
      this.lengths = new int[BLOCK_ROWS * columns];
      this.bytes = new byte[columns == 0 ? 0 : BLOCK_BYTES + (BLOCK_BYTES >> 2)];
    }

    void add(EventRow row) {
      int base = rows * columns;
      for (int c = 0; c < columns; c++) {
        int slot = base + c;
        present[slot] = !row.isNull(c);
        if (!present[slot]) {
          continue;
        }
        switch (row.kind(c)) {
          case STRING, JSON -> {
            int length = row.length(c);
            if (used + length > bytes.length) {
              bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + length));
            }
            System.arraycopy(row.bytes(c), row.offset(c), bytes, used, length);
            offsets[slot] = used;
            lengths[slot] = length;
            used += length;
          }
          case FLOAT, DOUBLE -> longs[slot] = Double.doubleToRawLongBits(row.doubleValue(c));
          case UINT64, DECIMAL, BINARY, STRUCT, LIST -> {
            if (objects == null) {
              objects = new Object[BLOCK_ROWS * columns];
            }
            objects[slot] = row.get(c); // made afresh per event, so it can be kept
          }
          default -> longs[slot] = row.longValue(c);
        }
      }
      rows++;
    }

    void replay(int index, EventRow row) {
      row.clear();
      int base = index * columns;
      for (int c = 0; c < columns; c++) {
        int slot = base + c;
        if (!present[slot]) {
          continue;
        }
        switch (row.kind(c)) {
          case STRING, JSON -> row.setBytes(c, bytes, offsets[slot], lengths[slot]);
          case FLOAT, DOUBLE -> row.setDouble(c, Double.longBitsToDouble(longs[slot]));
          case UINT64, DECIMAL, BINARY, STRUCT, LIST -> row.setObject(c, objects[slot]);
          default -> row.setLong(c, longs[slot]);
        }
      }
    }

    void clear() {
      if (objects != null) {
        Arrays.fill(objects, null); // let the last block's values go
      }
      rows = 0;
      used = 0;
      if (bytes.length > 4 * BLOCK_BYTES) {
        bytes = new byte[BLOCK_BYTES + (BLOCK_BYTES >> 2)]; // one huge row does not pin its buffer
      }
    }
  }
}
