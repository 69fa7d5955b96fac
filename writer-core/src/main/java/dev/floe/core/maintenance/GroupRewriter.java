package dev.floe.core.maintenance;

import dev.floe.core.config.DataSize;
import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.write.RowFileWriterFactory;
import dev.floe.core.write.WriteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.SortOrderComparators;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.RollingDataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.Parquet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites one {@link FileGroup}: reads every row of its files, optionally sorts them in bounded
 * memory, and writes them with floe's Parquet settings (ZSTD, bloom filters) into files rolled at
 * the target size. Writes only new files; commits nothing.
 *
 * <p>Rows of a flat table (strings, ints, longs, booleans, dates, timestamps, as floe's default
 * schema) whose files carry the table's field ids go the flat way: {@link FlatParquetReader} copies
 * each value once into a compact {@link FlatRow}, which sorts by its bytes, spills as it is ({@link
 * FlatRuns}) and is written as a {@link dev.floe.core.write.DirectRow}, as ingest writes events.
 * Any other group goes through Iceberg's generic records (projected to the current schema, with
 * the table's name mapping for files without ids), which cost about three times the CPU.
 *
 * <p>One rewriter serves one compaction run, one group at a time: its sort buffer's memory is
 * reused from group to group.
 */
final class GroupRewriter {
  private static final Logger LOG = LoggerFactory.getLogger(GroupRewriter.class);

  private final Table table;
  private final Schema schema;
  private final Map<String, String> writerProperties;
  private final SortOrder fileSortOrder;
  private final FlatLayout flat;
  private final NameMapping nameMapping;
  private final SortOrder sortOrder;
  private final int sortBufferRows;
  private final long sortBufferBytes;
  /** The sort buffer's values, group after group: its slabs are allocated once per run. */
  private final RowArena arena = new RowArena();
  /** Reads flat rows (null where the table has no flat layout), group after group, with one pool of chunk buffers. */
  private final FlatParquetReader reader;
  private final Path tempDirectory;
  private final long targetFileSize;

  GroupRewriter(Table table, WriteOptions write, CompactionOptions options, Path tempDirectory) {
    this.table = table;
    this.schema = table.schema();
    this.sortOrder = options.sort() ? sortOrder(table) : SortOrder.unsorted();
    this.sortBufferRows = options.sortBufferRows();
    this.sortBufferBytes = sortBufferBytes(options.sortBufferSize(), Runtime.getRuntime().maxMemory());
    this.tempDirectory = tempDirectory;
    // Sorted files get small row groups, so that min/max statistics can prune a lookup.
    this.writerProperties =
        (options.sort() ? write.withRowGroupSize(options.sortedRowGroupSize()) : write).parquetProperties();
    // Files record the table's sort order id; rows sorted by the do_id, seq fallback of a
    // table that declares none say unsorted rather than name an order the table lacks.
    this.fileSortOrder = table.sortOrder().isSorted() ? sortOrder : SortOrder.unsorted();
    this.flat = FlatLayout.of(schema, sortOrder);
    this.reader = flat == null ? null : new FlatParquetReader(flat);
    this.targetFileSize = write.targetFileSize().bytes();
    String mapping = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    this.nameMapping = mapping == null ? null : NameMappingParser.fromJson(mapping);
  }

  /** The sort buffer's byte limit: as set, but at most a quarter of the JVM's heap. */
  static long sortBufferBytes(DataSize setting, long maxHeap) {
    return Math.min(setting.bytes(), maxHeap / 4);
  }

  /** The table's sort order, or {@code (do_id, seq)} for a table without one that has those columns. */
  static SortOrder sortOrder(Table table) {
    if (table.sortOrder().isSorted()) {
      return table.sortOrder();
    }
    Schema schema = table.schema();
    if (schema.findField("do_id") != null && schema.findField("seq") != null) {
      return SortOrder.builderFor(schema).asc("do_id").asc("seq").build();
    }
    throw new InvalidConfigException(
        "Cannot sort compacted files of " + table.name() + ": it has no sort order and no do_id, seq columns");
  }

  /** Writes the group's rows into new files and returns them; on failure deletes what it wrote. */
  List<DataFile> rewrite(FileGroup group, String runId, int groupIndex) {
    PartitionSpec spec = table.specs().get(group.partition().specId());
    StructLike partition = group.files().get(0).partition();
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, groupIndex, 0).operationId(runId).format(FileFormat.PARQUET).build();
    Inputs inputs = inputs(group);
    RowFileWriterFactory writers = new RowFileWriterFactory(table, writerProperties(inputs.plainColumns()), fileSortOrder);
    RollingDataWriter<Record> writer = new RollingDataWriter<>(writers, files, table.io(), targetFileSize, spec, partition);
    long rows = 0;
    try (Rows input = rows(group, inputs.flat())) {
      Iterator<? extends Record> records = input.iterator();
      while (records.hasNext()) {
        writer.write(records.next());
        rows++;
      }
      writer.close();
      if (rows != group.records()) {
        throw new IllegalStateException(
            "Cannot compact partition " + group.partition() + " of " + table.name() + ": read " + rows
                + " rows from " + group.files().size() + " files whose metadata counts " + group.records());
      }
      List<DataFile> written = writer.result().dataFiles();
      long inFiles = written.stream().mapToLong(DataFile::recordCount).sum();
      if (inFiles != rows) {
        throw new IllegalStateException(
            "Cannot compact partition " + group.partition() + " of " + table.name() + ": wrote " + rows
                + " rows but the new files count " + inFiles);
      }
      if (input.spilledRuns() > 0) {
        LOG.info("Compaction {}: sorted {} rows of {} through {} spilled run{}",
            runId, rows, group.partition(), input.spilledRuns(), input.spilledRuns() == 1 ? "" : "s");
      }
      return List.copyOf(written);
    } catch (IOException e) {
      abort(writer);
      throw new UncheckedIOException("Cannot write compacted files for " + group.partition() + " of " + table.name() + ": " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      abort(writer);
      throw e;
    }
  }

  private void abort(RollingDataWriter<Record> writer) {
    List<String> locations = new ArrayList<>();
    CharSequence current = writer.currentFilePath();
    try {
      writer.close();
      writer.result().dataFiles().forEach(file -> locations.add(file.location()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot close a compacted file while aborting: {}", e.toString());
    }
    if (current != null) {
      locations.add(current.toString());
    }
    deleteAll(table, locations.stream().distinct().toList());
  }

  static void deleteAll(Table table, List<String> locations) {
    for (String location : locations) {
      try {
        table.io().deleteFile(location);
      } catch (RuntimeException e) {
        LOG.warn("Cannot delete uncommitted compacted file {} (left for orphan removal): {}", location, e.toString());
      }
    }
  }

  /**
   * What the group's footers say: whether its rows can be read flat, and which columns the Parquet
   * writer had given up dictionary-encoding in them (for the generic path, none: it reads no footers).
   */
  private record Inputs(boolean flat, Set<String> plainColumns) {}

  private Inputs inputs(FileGroup group) {
    if (flat == null) {
      return new Inputs(false, Set.of());
    }
    Set<String> plain = new TreeSet<>();
    for (DataFile file : group.files()) {
      FlatParquetReader.Footer footer = reader.footer(input(file));
      if (!footer.flat()) {
        LOG.info("Compaction of {}: {} has files without the table's field ids or column types; reading its rows as generic records",
            table.name(), group.partition());
        return new Inputs(false, Set.of());
      }
      footer.plainColumns().forEach(position -> plain.add(flat.struct().fields().get(position).name()));
    }
    return new Inputs(true, plain);
  }

  /**
   * The write properties for a group: a column whose values the writer of the input files could
   * not keep in a dictionary (it fell back to plain pages) is written without one. Otherwise every
   * 2MB row group of a sorted file starts a new dictionary for such a column (the {@code value}
   * JSON of the seed's table), hashes each of its values into it, and drops it when the group is
   * written: measured as the largest single cost of a sorted rewrite. A table property for the
   * column ({@code write.parquet.dict-encoding-enabled.column.<name>}) wins.
   */
  Map<String, String> writerProperties(Set<String> plainColumns) {
    Map<String, String> properties = new HashMap<>(writerProperties);
    for (String column : plainColumns) {
      String key = TableProperties.PARQUET_DICT_ENCODING_ENABLED_COLUMN_PREFIX + column;
      if (!table.properties().containsKey(key)) {
        properties.putIfAbsent(key, "false");
      }
    }
    return properties;
  }

  /** The group's rows: file after file, or all of them sorted; flat rows where every file allows. */
  private Rows rows(FileGroup group, boolean readFlat) {
    if (!sortOrder.isSorted()) {
      return readFlat ? fileAfterFile(group, file -> reader.read(input(file))) : fileAfterFile(group, this::read);
    }
    if (readFlat) {
      arena.clear(); // the previous group's rows are written and no longer read
      FlatBuffer buffer = new FlatBuffer(flat, new FlatKeySort(flat, sortOrder), arena);
      return sorted(group, file -> reader.read(input(file), arena), flat.comparator(schema, sortOrder), buffer, new FlatRuns(flat));
    }
    Comparator<StructLike> structs = SortOrderComparators.forSchema(schema, sortOrder);
    InternalRecordWrapper left = new InternalRecordWrapper(schema.asStruct());
    InternalRecordWrapper right = new InternalRecordWrapper(schema.asStruct());
    Comparator<Record> order = (a, b) -> structs.compare(left.wrap(a), right.wrap(b));
    ExternalSorter.Buffer<Record> buffer = new ExternalSorter.Buffer<>() {
      @Override
      public void sort(List<Record> rows) {
        rows.sort(order);
      }

      @Override
      public long bytes(Record row) {
        return RecordRuns.heapBytes(row);
      }
    };
    return sorted(group, this::read, order, buffer, new RecordRuns(schema));
  }

  private <T extends Record> Rows fileAfterFile(FileGroup group, Function<DataFile, CloseableIterable<T>> read) {
    return new Rows(CloseableIterable.concat(group.files().stream().map(read).toList()), null);
  }

  private <T extends Record> Rows sorted(
      FileGroup group,
      Function<DataFile, CloseableIterable<T>> read,
      Comparator<T> order,
      ExternalSorter.Buffer<T> buffer,
      ExternalSorter.RunFormat<T> runs) {
    ExternalSorter<T> sorter = new ExternalSorter<>(order, buffer, sortBufferRows, sortBufferBytes, tempDirectory, runs);
    try {
      for (DataFile file : group.files()) {
        try (CloseableIterable<T> rows = read.apply(file)) {
          rows.forEach(sorter::add);
        }
      }
    } catch (IOException e) {
      sorter.close();
      throw new UncheckedIOException("Cannot read " + group.partition() + " of " + table.name() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      sorter.close();
      throw e;
    }
    return new Rows(null, sorter);
  }

  private InputFile input(DataFile file) {
    return table.io().newInputFile(file.location(), file.fileSizeInBytes());
  }

  private CloseableIterable<Record> read(DataFile file) {
    Parquet.ReadBuilder read = Parquet.read(input(file)).project(schema)
            .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema));
    if (nameMapping != null) {
      read.withNameMapping(nameMapping);
    }
    return read.build();
  }

  /** Rows from plain files or from a sorter, closed together. */
  private static final class Rows implements AutoCloseable {
    private final CloseableIterable<? extends Record> files;
    private final ExternalSorter<? extends Record> sorter;

    Rows(CloseableIterable<? extends Record> files, ExternalSorter<? extends Record> sorter) {
      this.files = files;
      this.sorter = sorter;
    }

    Iterator<? extends Record> iterator() {
      return files != null ? files.iterator() : sorter.sorted();
    }

    int spilledRuns() {
      return sorter == null ? 0 : sorter.spilledRuns();
    }

    @Override
    public void close() {
      if (sorter != null) {
        sorter.close();
      }
      if (files != null) {
        try {
          files.close();
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot close a compaction input file: " + e.getMessage(), e);
        }
      }
    }
  }
}
