package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.apache.iceberg.io.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExternalSorterTest {
  @TempDir Path dir;

  @Test
  void sortsMoreRunsThanOneMergeTakesAndLeavesNoSpillFiles() {
    List<Long> values = new Random(1).longs(10_000, 0, 500).boxed().toList();
    List<Long> sorted;
    // 100 rows in memory: 100 runs, more than FAN_IN, so runs are merged in two passes.
    try (ExternalSorter<Long> sorter = new ExternalSorter<>(Comparator.naturalOrder(), 100, dir, new LongRuns(false))) {
      values.forEach(sorter::add);
      sorted = drain(sorter.sorted());
      assertThat(sorter.spilledRuns()).isGreaterThan(ExternalSorter.FAN_IN + 1);
    }
    assertThat(sorted).isEqualTo(values.stream().sorted().toList());
    assertThat(dir).isEmptyDirectory();
  }

  @ParameterizedTest(name = "{0} rows, runs of 100")
  @ValueSource(ints = {1_000, 1_050}) // 1,050: a last run of 50 stays in memory beside those on disk
  void aRunThatReadsBackOtherRowsFailsTheSortAtItsEnd(int rows) {
    try (ExternalSorter<Long> sorter = new ExternalSorter<>(Comparator.naturalOrder(), 100, dir, new LongRuns(true))) {
      new Random(2).longs(rows, 0, 500).forEach(sorter::add);
      Iterator<Long> sorted = sorter.sorted();

      assertThatThrownBy(() -> drain(sorted))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("the merged runs returned other rows than were spilled");
    }
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void theRowsStillInMemoryAreMergedWithoutBeingSpilled() {
    List<Long> values = new Random(3).longs(250, 0, 500).boxed().toList();
    try (ExternalSorter<Long> sorter = new ExternalSorter<>(Comparator.naturalOrder(), 100, dir, new LongRuns(false))) {
      values.forEach(sorter::add);
      List<Long> sorted = drain(sorter.sorted());

      assertThat(sorted).isEqualTo(values.stream().sorted().toList());
      assertThat(sorter.spilledRuns()).isEqualTo(2);
    }
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void aBufferThatMeasuresItsRowsSpillsAtItsByteLimit() {
    List<Long> values = new Random(4).longs(250, 0, 500).boxed().toList();
    int[] spills = {0};
    ExternalSorter.Buffer<Long> tenBytesEach = new ExternalSorter.Buffer<>() {
      @Override
      public void sort(List<Long> rows) {
        rows.sort(Comparator.naturalOrder());
      }

      @Override
      public long bytes(Long row) {
        return 10;
      }

      @Override
      public void spilled() {
        spills[0]++;
      }
    };
    // No row limit to speak of: 1,000 bytes are 100 rows, so 250 rows spill twice and keep 50.
    try (ExternalSorter<Long> sorter =
        new ExternalSorter<>(Comparator.naturalOrder(), tenBytesEach, Integer.MAX_VALUE, 1_000, dir, new LongRuns(false))) {
      values.forEach(sorter::add);
      List<Long> sorted = drain(sorter.sorted());

      assertThat(sorted).isEqualTo(values.stream().sorted().toList());
      assertThat(sorter.spilledRuns()).isEqualTo(2);
      assertThat(spills[0]).isEqualTo(2);
    }
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void theSortBufferTakesAtMostAQuarterOfTheHeap() {
    long gigabyte = 1L << 30;
    assertThat(GroupRewriter.sortBufferBytes(dev.floe.core.config.DataSize.ofMegabytes(512), gigabyte)).isEqualTo(gigabyte / 4);
    assertThat(GroupRewriter.sortBufferBytes(dev.floe.core.config.DataSize.ofMegabytes(64), gigabyte)).isEqualTo(64L << 20);
  }

  private static List<Long> drain(Iterator<Long> iterator) {
    List<Long> values = new ArrayList<>();
    iterator.forEachRemaining(values::add);
    return values;
  }

  /** Longs in a local file; {@code corrupt} changes the first value of every run it reads back. */
  private record LongRuns(boolean corrupt) implements ExternalSorter.RunFormat<Long> {
    @Override
    public void write(Iterator<Long> rows, Path file) throws IOException {
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
        while (rows.hasNext()) {
          out.writeLong(rows.next());
        }
      }
    }

    @Override
    public CloseableIterator<Long> read(Path file) throws IOException {
      DataInputStream in = new DataInputStream(Files.newInputStream(file));
      return new CloseableIterator<>() {
        private Long next;
        private boolean first = true;

        @Override
        public boolean hasNext() {
          if (next == null) {
            try {
              next = in.readLong() + (corrupt && first ? 1 : 0);
              first = false;
            } catch (EOFException e) {
              return false;
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          }
          return true;
        }

        @Override
        public Long next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Long value = next;
          next = null;
          return value;
        }

        @Override
        public void close() throws IOException {
          in.close();
        }
      };
    }

    @Override
    public long hash(Long row) {
      return row;
    }
  }
}
