package dev.floe.core.maintenance;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.parquet.bytes.ByteBufferAllocator;

/**
 * The heap buffers parquet-java reads a row group's column chunks into, kept when a row group is
 * released and handed out again for the next one. parquet-java's default allocator makes a new
 * array for every chunk of every row group (up to its 8MB allocation size each): the JVM zeroes
 * each one and, outside the young generation, touches fresh pages for it, which a profile of a
 * sorted rewrite put at ~3.6% of its CPU. A buffer is handed out only after parquet-java released
 * it, which it does when the caller closes the row group's page store; the flat reader closes it
 * only once every row of the group is copied out.
 *
 * <p>It keeps at most as many buffers as were out at once: a request no free buffer fits drops
 * the largest free one smaller than it, so what it holds is bounded by the largest row group read.
 */
final class ChunkBuffers implements ByteBufferAllocator {
  private final List<ByteBuffer> free = new ArrayList<>();
  private final Set<ByteBuffer> out = Collections.newSetFromMap(new IdentityHashMap<>());
  private long allocated;

  @Override
  public synchronized ByteBuffer allocate(int size) {
    int best = -1;
    int smaller = -1;
    for (int i = 0; i < free.size(); i++) {
      int capacity = free.get(i).capacity();
      if (capacity >= size && (best < 0 || capacity < free.get(best).capacity())) {
        best = i;
      } else if (capacity < size && (smaller < 0 || capacity > free.get(smaller).capacity())) {
        smaller = i;
      }
    }
    ByteBuffer buffer;
    if (best >= 0) {
      buffer = free.remove(best);
      buffer.clear().limit(size);
    } else {
      if (smaller >= 0) {
        free.remove(smaller);
      }
      buffer = ByteBuffer.allocate(size);
      allocated += size;
    }
    out.add(buffer);
    return buffer;
  }

  @Override
  public synchronized void release(ByteBuffer buffer) {
    // Only a buffer this pool handed out and has not had back goes free: a second release of the
    // same buffer must not let two readers share it.
    if (out.remove(buffer)) {
      free.add(buffer);
    }
  }

  @Override
  public boolean isDirect() {
    return false;
  }

  /** Bytes of new arrays made so far (for tests and measurement). */
  synchronized long allocatedBytes() {
    return allocated;
  }

  /** Buffers handed out and not yet released. */
  synchronized int outstanding() {
    return out.size();
  }
}
