package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The key sort's packed order against its merge sort; {@link FlatRowsTest} checks the sort on rows against the comparator. */
class FlatKeySortTest {
  @Test
  void keysPackIntoOneLongARowOnlyWhenTheyFitAndSortAsTheMergeSortDoes() {
    Random random = new Random(11);
    for (int count : new int[] {2, 3, 24, 25, 1000, 4096, 4097}) {
      for (int stride : new int[] {1, 2, 3}) {
        long[] keys = new long[count * stride];
        long base = random.nextLong();
        for (int i = 0; i < keys.length; i++) {
          keys[i] = base + random.nextInt(i % stride == 0 ? 3 : 1000) - 500; // many ties, some negative
        }
        int[] expected = FlatKeySort.mergeOrder(keys, stride, count);
        assertThat(FlatKeySort.packedOrder(keys, stride, count)).as("%d rows of %d words", count, stride).isEqualTo(expected);

        long[] wide = keys.clone();
        wide[0] = Long.MIN_VALUE;
        wide[stride] = Long.MAX_VALUE; // one word's range exceeds a long
        assertThat(FlatKeySort.packedOrder(wide, stride, count)).isNull();
      }
    }
    // Word ranges of 31 and 30 bits with a 2-bit index take 63 bits: packed; one bit more is not.
    long[] fits = {0, 0, (1L << 31) - 1, (1L << 30) - 1, 5, 5};
    assertThat(FlatKeySort.packedOrder(fits, 2, 3)).containsExactly(0, 2, 1);
    long[] over = {0, 0, 1L << 31, (1L << 30) - 1, 5, 5};
    assertThat(FlatKeySort.packedOrder(over, 2, 3)).isNull();
    assertThat(FlatKeySort.mergeOrder(over, 2, 3)).containsExactly(0, 2, 1);
  }
}
