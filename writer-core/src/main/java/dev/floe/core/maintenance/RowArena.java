package dev.floe.core.maintenance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The records of a sort buffer's {@link FlatRow}s, packed into slabs of {@value #SLAB} bytes
 * instead of one array per row. The slabs are kept and refilled after each spill ({@link #clear()}), so a
 * sort that spills many runs allocates its buffer's memory once: the collector then copies a few
 * large arrays once, into the old generation, instead of every buffered row at each young
 * collection (the largest difference between a sorted rewrite's garbage collection and ingest's).
 * A row is never split across slabs; one larger than a slab gets an array of its own.
 */
final class RowArena {
  static final int SLAB = 1 << 20;

  private final List<byte[]> slabs = new ArrayList<>();
  private int slab = -1;
  private int used = SLAB;
  private long bytes;

  /** The row whose record is the first {@code length} bytes of {@code record}, copied into the arena. */
  FlatRow row(FlatLayout layout, byte[] record, int length) {
    bytes += length;
    if (length > SLAB) {
      return new FlatRow(layout, Arrays.copyOf(record, length), 0);
    }
    if (used + length > SLAB) {
      slab++;
      if (slab == slabs.size()) {
        slabs.add(new byte[SLAB]);
      }
      used = 0;
    }
    byte[] array = slabs.get(slab);
    System.arraycopy(record, 0, array, used, length);
    FlatRow row = new FlatRow(layout, array, used);
    used += length;
    return row;
  }

  /** The bytes of the records copied in since the last {@link #clear()}. */
  long bytes() {
    return bytes;
  }

  /** How many slabs the arena has allocated. */
  int slabs() {
    return slabs.size();
  }

  /** Forgets every row copied in: their slabs are refilled from the first. Rows from before must no longer be read. */
  void clear() {
    slab = -1;
    used = SLAB;
    bytes = 0;
  }
}
