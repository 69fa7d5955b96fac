package dev.floe.core.maintenance;

/**
 * A stable merge sort of an {@code int[]} by a comparator of its values (row or value indexes into
 * arrays the comparator reads), so that nothing is boxed: {@link java.util.Arrays} sorts primitives
 * only in their natural order, and objects only through references.
 */
final class IndexSort {
  /** Runs this short are sorted by insertion before merging. */
  private static final int RUN = 24;

  /** Compares two indexes. */
  @FunctionalInterface
  interface Order {
    int compare(int a, int b);
  }

  private IndexSort() {}

  /** Sorts the indexes in place; indexes that compare equal keep their order. */
  static void sort(int[] indexes, Order order) {
    int length = indexes.length;
    for (int start = 0; start < length; start += RUN) {
      insertionSort(indexes, start, Math.min(start + RUN, length), order);
    }
    if (length <= RUN) {
      return;
    }
    int[] from = indexes;
    int[] to = new int[length];
    for (int width = RUN; width < length; width *= 2) {
      for (int start = 0; start < length; start += 2 * width) {
        int middle = Math.min(start + width, length);
        int end = Math.min(start + 2 * width, length);
        merge(from, to, start, middle, end, order);
      }
      int[] swap = from;
      from = to;
      to = swap;
    }
    if (from != indexes) {
      System.arraycopy(from, 0, indexes, 0, length);
    }
  }

  private static void insertionSort(int[] indexes, int start, int end, Order order) {
    for (int i = start + 1; i < end; i++) {
      int value = indexes[i];
      int j = i - 1;
      while (j >= start && order.compare(indexes[j], value) > 0) {
        indexes[j + 1] = indexes[j];
        j--;
      }
      indexes[j + 1] = value;
    }
  }

  private static void merge(int[] from, int[] to, int start, int middle, int end, Order order) {
    if (middle >= end || order.compare(from[middle - 1], from[middle]) <= 0) {
      System.arraycopy(from, start, to, start, end - start); // already in order
      return;
    }
    int left = start;
    int right = middle;
    for (int out = start; out < end; out++) {
      if (right >= end || (left < middle && order.compare(from[left], from[right]) <= 0)) {
        to[out] = from[left++];
      } else {
        to[out] = from[right++];
      }
    }
  }
}
