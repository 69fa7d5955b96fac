package dev.floe.core.maintenance;

import java.util.List;

/**
 * The sort buffer of a flat rewrite: rows sorted by their keys ({@link FlatKeySort}), their values
 * held in a {@link RowArena} that is refilled after each spill, and each row measured as its values'
 * bytes plus what its object and column ends take on the heap.
 */
final class FlatBuffer implements ExternalSorter.Buffer<FlatRow> {
  private final FlatKeySort keys;
  private final RowArena arena;
  private final long rowOverhead;

  FlatBuffer(FlatLayout layout, FlatKeySort keys, RowArena arena) {
    this.keys = keys;
    this.arena = arena;
    // The row object, its column ends (4 bytes a column), the buffer's reference to it, and what
    // the key sort allocates for it: up to two key words a column and a few indexes.
    this.rowOverhead = 32 + 16 + 4L * layout.size() + 8 + 16L * layout.size() + 32;
  }

  @Override
  public void sort(List<FlatRow> rows) {
    keys.sort(rows);
  }

  @Override
  public long bytes(FlatRow row) {
    return row.valuesLength() + rowOverhead;
  }

  @Override
  public void spilled() {
    arena.clear();
  }
}
