package dev.floe.core.maintenance;

import java.util.List;

/**
 * The sort buffer of a flat rewrite: rows sorted by their keys ({@link FlatKeySort}), their values
 * held in a {@link RowArena} that is refilled after each spill, and each row measured as its
 * record's bytes plus what its object and its sort keys take on the heap.
 */
final class FlatBuffer implements ExternalSorter.Buffer<FlatRow> {
  private final FlatKeySort keys;
  private final RowArena arena;
  private final long rowOverhead;

  FlatBuffer(FlatLayout layout, FlatKeySort keys, RowArena arena) {
    this.keys = keys;
    this.arena = arena;
    // The row object, the buffer's reference to it, and what the key sort allocates for it: up to
    // two key words a column and a few indexes. The record (values, column ends, null flags) is
    // counted as it is.
    this.rowOverhead = 24 + 8 + 16L * layout.size() + 32;
  }

  @Override
  public void sort(List<FlatRow> rows) {
    keys.sort(rows);
  }

  @Override
  public long bytes(FlatRow row) {
    return row.recordLength() + rowOverhead;
  }

  @Override
  public void spilled() {
    arena.clear();
  }
}
