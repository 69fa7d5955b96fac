package dev.floe.core.maintenance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.types.Type;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Reads the rows of a Parquet data file into {@link FlatRow}s straight from parquet-java's column
 * readers: each value is copied once into its row's bytes, with no String, timestamp or record
 * object on the way. It reads files whose columns are the layout's by Iceberg field id, each with
 * the physical type Iceberg itself writes for it (a column the file lacks reads as null when the
 * table has it optional); {@link #columns} says whether a file qualifies, and for one that does
 * not (no field ids, a promoted type, millisecond timestamps) compaction uses Iceberg's generic
 * reader instead, which projects and converts.
 */
final class FlatParquetReader {
  private static final GroupConverter NO_CONVERTER = new NoConverter();

  private final FlatLayout layout;
  private final ChunkBuffers buffers = new ChunkBuffers();
  private final ParquetReadOptions options;

  FlatParquetReader(FlatLayout layout) {
    this.layout = layout;
    // Without Hadoop's default resources: ParquetReadOptions.builder() makes a Hadoop Configuration
    // that parses core-default.xml and core-site.xml, once for each file opened (a footer read and a
    // row read of every file); the options read here all have their defaults in code.
    this.options = ParquetReadOptions.builder(new HadoopParquetConfiguration(false)).withAllocator(buffers).build();
  }

  /** The buffers its files' column chunks are read into, reused from row group to row group and file to file. */
  ChunkBuffers buffers() {
    return buffers;
  }

  /**
   * What a file's footer says for its rewrite.
   *
   * @param flat every column of the layout can be read from the file as it is
   * @param plainColumns the layout's columns (by position) that have data pages not dictionary
   *     encoded in some row group: values the Parquet writer tried to fit in a dictionary and gave up on
   */
  record Footer(boolean flat, Set<Integer> plainColumns) {}

  /** Whether every column of the layout can be read from the file as it is. */
  boolean canRead(InputFile file) {
    return footer(file).flat();
  }

  /** Reads the file's footer once for what the rewrite needs of it. */
  Footer footer(InputFile file) {
    try (ParquetFileReader reader = open(file)) {
      MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
      ColumnDescriptor[] columns = columns(fileSchema);
      Set<Integer> plain = new TreeSet<>();
      if (columns != null) {
        for (BlockMetaData block : reader.getFooter().getBlocks()) {
          for (ColumnChunkMetaData chunk : block.getColumns()) {
            EncodingStats stats = chunk.getEncodingStats();
            if (stats != null && stats.hasNonDictionaryEncodedPages()) {
              for (int i = 0; i < columns.length; i++) {
                if (columns[i] != null && Arrays.equals(columns[i].getPath(), chunk.getPath().toArray())) {
                  plain.add(i);
                }
              }
            }
          }
        }
      }
      return new Footer(columns != null, plain);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the footer of " + file.location() + ": " + e.getMessage(), e);
    }
  }

  /** The file's column for each column of the layout (null where the file has none), or null if it does not qualify. */
  ColumnDescriptor[] columns(MessageType fileSchema) {
    // A file without field ids (written by another tool, added with a name mapping) is matched by
    // name only in the generic reader; here a column it seems to lack would read as null.
    if (fileSchema.getFields().stream().anyMatch(field -> field.getId() == null)) {
      return null;
    }
    ColumnDescriptor[] columns = new ColumnDescriptor[layout.size()];
    for (int i = 0; i < layout.size(); i++) {
      org.apache.parquet.schema.Type field = fieldWithId(fileSchema, layout.fieldId(i));
      if (field == null) {
        if (layout.struct().fields().get(i).isRequired()) {
          return null;
        }
        continue;
      }
      if (!field.isPrimitive() || field.isRepetition(org.apache.parquet.schema.Type.Repetition.REPEATED)
          || !matches(layout.type(i), field.asPrimitiveType())) {
        return null;
      }
      columns[i] = fileSchema.getColumnDescription(new String[] {field.getName()});
    }
    return columns;
  }

  private static org.apache.parquet.schema.Type fieldWithId(MessageType schema, int id) {
    for (org.apache.parquet.schema.Type field : schema.getFields()) {
      if (field.getId() != null && field.getId().intValue() == id) {
        return field;
      }
    }
    return null;
  }

  private static boolean matches(Type.TypeID type, org.apache.parquet.schema.PrimitiveType column) {
    PrimitiveTypeName physical = column.getPrimitiveTypeName();
    LogicalTypeAnnotation logical = column.getLogicalTypeAnnotation();
    return switch (type) {
      case STRING -> physical == PrimitiveTypeName.BINARY;
      case INTEGER -> physical == PrimitiveTypeName.INT32
          && (logical == null || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && i.isSigned() && i.getBitWidth() == 32);
      case DATE -> physical == PrimitiveTypeName.INT32 && logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation;
      case LONG -> physical == PrimitiveTypeName.INT64
          && (logical == null || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && i.isSigned() && i.getBitWidth() == 64);
      case TIMESTAMP -> physical == PrimitiveTypeName.INT64
          && logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t
          && t.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS;
      case BOOLEAN -> physical == PrimitiveTypeName.BOOLEAN;
      default -> false;
    };
  }

  /** Every row of the file, row group by row group, each in an array of its own; fails if the file does not qualify. */
  CloseableIterable<FlatRow> read(InputFile file) {
    return read(file, null);
  }

  /** Every row of the file, with its values copied into the arena (or arrays of their own, given none). */
  CloseableIterable<FlatRow> read(InputFile file, RowArena arena) {
    return new CloseableIterable<>() {
      private final List<Rows> open = new ArrayList<>();

      @Override
      public CloseableIterator<FlatRow> iterator() {
        Rows rows = new Rows(file, arena);
        open.add(rows);
        return rows;
      }

      @Override
      public void close() throws IOException {
        for (Rows rows : open) {
          rows.close();
        }
        open.clear();
      }
    };
  }

  private ParquetFileReader open(InputFile file) throws IOException {
    return ParquetFileReader.open(parquetFile(file), options);
  }

  private final class Rows implements CloseableIterator<FlatRow> {
    private final String location;
    private final RowArena arena;
    private final ParquetFileReader reader;
    private final MessageType fileSchema;
    private final ColumnDescriptor[] descriptors;
    private final ColumnReader[] columns;
    private PageReadStore pages; // the row group being read: closed (its buffers released) once every row is copied out
    private final int[] ends = new int[layout.size()];
    private byte[] scratch = new byte[4096];
    private long remaining;

    Rows(InputFile file, RowArena arena) {
      this.location = file.location();
      this.arena = arena;
      try {
        this.reader = open(file);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot open " + location + ": " + e.getMessage(), e);
      }
      this.fileSchema = reader.getFooter().getFileMetaData().getSchema();
      this.descriptors = columns(fileSchema);
      if (descriptors == null) {
        close();
        throw new IllegalStateException("Cannot read " + location + " as flat rows: its columns are not the table's");
      }
      this.columns = new ColumnReader[descriptors.length];
      List<org.apache.parquet.schema.Type> read = new ArrayList<>();
      for (ColumnDescriptor descriptor : descriptors) {
        if (descriptor != null) {
          read.add(fileSchema.getType(descriptor.getPath()[0]));
        }
      }
      // Only the table's columns are read from storage, not ones it has dropped since.
      reader.setRequestedSchema(new MessageType(fileSchema.getName(), read));
    }

    @Override
    public boolean hasNext() {
      while (remaining == 0) {
        releasePages();
        try {
          pages = reader.readNextRowGroup();
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read a row group of " + location + ": " + e.getMessage(), e);
        }
        if (pages == null) {
          return false;
        }
        ColumnReadStoreImpl store =
            new ColumnReadStoreImpl(pages, NO_CONVERTER, fileSchema, reader.getFooter().getFileMetaData().getCreatedBy());
        for (int i = 0; i < descriptors.length; i++) {
          columns[i] = descriptors[i] == null ? null : store.getColumnReader(descriptors[i]);
        }
        remaining = pages.getRowCount();
      }
      return true;
    }

    @Override
    public FlatRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      remaining--;
      // The record is built in the scratch array, values after the header, the header last.
      int header = layout.headerBytes();
      int length = header;
      long nulls = 0;
      for (int i = 0; i < columns.length; i++) {
        ColumnReader column = columns[i];
        if (column == null) {
          nulls |= 1L << i;
        } else {
          if (column.getCurrentDefinitionLevel() < descriptors[i].getMaxDefinitionLevel()) {
            nulls |= 1L << i;
          } else if (layout.isString(i)) {
            Binary value = column.getBinary();
            int size = value.length();
            ensure(length + size);
            value.toByteBuffer().get(scratch, length, size);
            length += size;
          } else {
            ensure(length + 8);
            FlatRow.writeLong(scratch, length, longValue(column, layout.type(i)));
            length += 8;
          }
          column.consume();
        }
        ends[i] = length - header;
      }
      FlatRow.writeHeader(scratch, 0, ends, nulls);
      return arena == null ? new FlatRow(layout, Arrays.copyOf(scratch, length), 0) : arena.row(layout, scratch, length);
    }

    private long longValue(ColumnReader column, Type.TypeID type) {
      return switch (type) {
        case INTEGER, DATE -> column.getInteger();
        case LONG, TIMESTAMP -> column.getLong();
        case BOOLEAN -> column.getBoolean() ? 1 : 0;
        default -> throw new IllegalStateException("Cannot read a " + type + " as a flat value");
      };
    }

    private void ensure(int capacity) {
      if (capacity > scratch.length) {
        scratch = Arrays.copyOf(scratch, Math.max(capacity, scratch.length * 2));
      }
    }

    private void releasePages() {
      if (pages != null) {
        try {
          pages.close();
        } catch (Exception e) {
          throw new IllegalStateException("Cannot release a row group of " + location + ": " + e.getMessage(), e);
        } finally {
          pages = null;
        }
      }
    }

    @Override
    public void close() {
      try {
        releasePages();
        reader.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot close " + location + ": " + e.getMessage(), e);
      }
    }
  }

  /** parquet-java's view of an Iceberg input file (Iceberg's own adapter is not public). */
  static org.apache.parquet.io.InputFile parquetFile(InputFile file) {
    return new org.apache.parquet.io.InputFile() {
      @Override
      public long getLength() {
        return file.getLength();
      }

      @Override
      public SeekableInputStream newStream() {
        org.apache.iceberg.io.SeekableInputStream stream = file.newStream();
        return new DelegatingSeekableInputStream(stream) {
          @Override
          public long getPos() throws IOException {
            return stream.getPos();
          }

          @Override
          public void seek(long position) throws IOException {
            stream.seek(position);
          }
        };
      }
    };
  }

  /** The column readers are read value by value; nothing is pushed into converters. */
  private static final class NoConverter extends GroupConverter {
    private static final PrimitiveConverter PRIMITIVE = new PrimitiveConverter() {};

    @Override
    public Converter getConverter(int fieldIndex) {
      return PRIMITIVE;
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }
}
