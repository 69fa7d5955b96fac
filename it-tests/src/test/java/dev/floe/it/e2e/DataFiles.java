package dev.floe.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/** The data files of a table and what their Parquet footers say, read through the table's FileIO. */
final class DataFiles {
  private DataFiles() {}

  /** The data files of the table's current snapshot. */
  static List<DataFile> of(Table table) {
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> files.add(task.file().copy()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan " + table.name(), e);
    }
    return files;
  }

  /**
   * The files of each partition in the order they were written: Iceberg's file names end in a
   * per-writer counter ({@code ...-00001.parquet}), so within one run the name order is the write
   * order.
   */
  static Map<String, List<DataFile>> byPartition(Table table, List<DataFile> files) {
    Map<String, List<DataFile>> partitions = new LinkedHashMap<>();
    files.stream()
        .sorted(Comparator.comparing(DataFile::location))
        .forEach(
            file ->
                partitions
                    .computeIfAbsent(
                        table.specs().get(file.specId()).partitionToPath(file.partition()),
                        key -> new ArrayList<>())
                    .add(file));
    return partitions;
  }

  /**
   * Fails unless every data file of the table's current snapshot says ZSTD in its Parquet footer
   * and files rolled at {@code targetBytes}: in each partition every file but the last written is
   * at least the target and at most 10% above it (the writer checks the size every 1000 rows).
   */
  static void assertZstdRolledAt(Table table, long targetBytes) {
    List<DataFile> files = of(table);
    assertThat(files).isNotEmpty();
    for (DataFile file : files) {
      assertThat(codecs(table.io(), file)).as("codecs of %s", file.location()).containsExactly(CompressionCodecName.ZSTD);
    }
    byPartition(table, files).forEach((partition, written) -> {
      for (DataFile file : written.subList(0, written.size() - 1)) {
        assertThat(file.fileSizeInBytes())
            .as("size of %s, not the last of partition %s (%s)", file.location(), partition, sizes(written))
            .isBetween(targetBytes, targetBytes + targetBytes / 10);
      }
      assertThat(written.get(written.size() - 1).fileSizeInBytes())
          .as("size of the last file of partition %s (%s)", partition, sizes(written))
          .isLessThanOrEqualTo(targetBytes + targetBytes / 10);
    });
  }

  private static List<Long> sizes(List<DataFile> files) {
    return files.stream().map(DataFile::fileSizeInBytes).toList();
  }

  /** Every compression codec in the file's footer, over all row groups and columns. */
  static Set<CompressionCodecName> codecs(FileIO io, DataFile file) {
    try (ParquetFileReader reader = ParquetFileReader.open(parquetFile(io.newInputFile(file.location())))) {
      Set<CompressionCodecName> codecs = new LinkedHashSet<>();
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          codecs.add(column.getCodec());
        }
      }
      return codecs;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the footer of " + file.location(), e);
    }
  }

  /** Iceberg's own adapter (ParquetIO) is package-private; this is the same few lines. */
  private static InputFile parquetFile(org.apache.iceberg.io.InputFile file) {
    return new InputFile() {
      @Override
      public long getLength() {
        return file.getLength();
      }

      @Override
      public SeekableInputStream newStream() {
        org.apache.iceberg.io.SeekableInputStream in = file.newStream();
        return new DelegatingSeekableInputStream(in) {
          @Override
          public long getPos() throws IOException {
            return in.getPos();
          }

          @Override
          public void seek(long position) throws IOException {
            in.seek(position);
          }
        };
      }
    };
  }
}
