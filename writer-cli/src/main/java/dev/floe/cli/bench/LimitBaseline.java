package dev.floe.cli.bench;

import dev.floe.core.decode.DecodeLimits;
import dev.floe.core.decode.EventDecoder;
import dev.floe.core.decode.EventRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Schema;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * The floor, for comparison: parquet-java writing columns that are already decoded (bytes and
 * longs in memory) with the same ZSTD level, row group size and bloom filter as floe, one local
 * file per day, and no JSON work. The input is decoded in chunks beforehand; only the writing is
 * timed, as the CPU time of this thread (so GC threads are not counted).
 */
public final class LimitBaseline {
  private static final int CHUNK_ROWS = 32 * 1024;

  /** What the timed part cost. */
  public record Result(long events, long cpuNanos, long wallNanos, List<Long> fileSizes) {}

  private final Schema schema;
  private final MessageType fileSchema;
  private final Path directory;
  private final int zstdLevel;
  private final long rowGroupSize;
  private final List<String> bloomFilterColumns;
  private final int timestampColumn;

  public LimitBaseline(Schema schema, Path directory, int zstdLevel, long rowGroupSize, List<String> bloomFilterColumns) {
    this.schema = schema;
    this.fileSchema = ParquetSchemaUtil.convert(schema, "table");
    this.directory = directory;
    this.zstdLevel = zstdLevel;
    this.rowGroupSize = rowGroupSize;
    this.bloomFilterColumns = List.copyOf(bloomFilterColumns);
    int ts = -1;
    for (int i = 0; i < schema.columns().size(); i++) {
      Type.TypeID id = schema.columns().get(i).type().typeId();
      if (id == Type.TypeID.TIMESTAMP && ts < 0) {
        ts = i;
      } else if (id != Type.TypeID.STRING && id != Type.TypeID.LONG && id != Type.TypeID.TIMESTAMP) {
        throw new IllegalArgumentException("Cannot run the limit baseline on column type " + id);
      }
    }
    this.timestampColumn = ts;
  }

  public Result run(InputStream input) throws IOException {
    Files.createDirectories(directory);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Chunk chunk = new Chunk(schema.columns().size());
    Map<Long, ParquetWriter<Chunk>> writers = new HashMap<>();
    long[] timing = new long[2];
    long[] events = new long[1];
    Runnable flush = () -> {
      long cpu = threads.getCurrentThreadCpuTime();
      long wall = System.nanoTime();
      try {
        for (chunk.row = 0; chunk.row < chunk.rows; chunk.row++) {
          long day = timestampColumn < 0 ? 0 : Math.floorDiv(chunk.longs[timestampColumn][chunk.row], 86_400_000_000L);
          ParquetWriter<Chunk> writer = writers.get(day);
          if (writer == null) {
            writer = open(directory.resolve("limit-" + day + ".parquet"));
            writers.put(day, writer);
          }
          writer.write(chunk);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      timing[0] += threads.getCurrentThreadCpuTime() - cpu;
      timing[1] += System.nanoTime() - wall;
      events[0] += chunk.rows;
      chunk.clear();
    };
    EventDecoder decoder = new EventDecoder(schema, DecodeLimits.defaults());
    decoder.decodeRows("limit", input, row -> {
      chunk.add(row);
      if (chunk.rows == CHUNK_ROWS) {
        flush.run();
      }
    }, reject -> {});
    flush.run();
    long cpu = threads.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    for (ParquetWriter<Chunk> writer : writers.values()) {
      writer.close();
    }
    timing[0] += threads.getCurrentThreadCpuTime() - cpu;
    timing[1] += System.nanoTime() - wall;
    List<Long> sizes = new ArrayList<>();
    for (Long day : writers.keySet()) {
      sizes.add(Files.size(directory.resolve("limit-" + day + ".parquet")));
    }
    return new Result(events[0], timing[0], timing[1], sizes);
  }

  private ParquetWriter<Chunk> open(Path file) throws IOException {
    Configuration conf = new Configuration(false);
    conf.setInt("parquet.compression.codec.zstd.level", zstdLevel);
    Builder builder = new Builder(new LocalOutputFile(file), fileSchema)
        .withConf(conf)
        .withCompressionCodec(CompressionCodecName.ZSTD)
        .withRowGroupSize(rowGroupSize)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE);
    for (String column : bloomFilterColumns) {
      builder = builder.withBloomFilterEnabled(column, true);
    }
    if (!bloomFilterColumns.isEmpty()) {
      builder = builder.withAdaptiveBloomFilterEnabled(true);
    }
    return builder.build();
  }

  /** Decoded rows in column arrays: string bytes in one arena, longs as they are. */
  static final class Chunk {
    final boolean[][] nulls;
    final int[][] starts;
    final int[][] lengths;
    final long[][] longs;
    byte[] arena = new byte[CHUNK_ROWS * 1200];
    int arenaLength;
    int rows;
    int row;

    Chunk(int columns) {
      nulls = new boolean[columns][CHUNK_ROWS];
      starts = new int[columns][CHUNK_ROWS];
      lengths = new int[columns][CHUNK_ROWS];
      longs = new long[columns][CHUNK_ROWS];
    }

    void add(EventRow event) {
      for (int c = 0; c < nulls.length; c++) {
        nulls[c][rows] = event.isNull(c);
        if (event.isNull(c)) {
          continue;
        }
        byte[] bytes = event.bytes(c);
        if (bytes != null) {
          int length = event.length(c);
          if (arenaLength + length > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaLength + length));
          }
          System.arraycopy(bytes, event.offset(c), arena, arenaLength, length);
          starts[c][rows] = arenaLength;
          lengths[c][rows] = length;
          arenaLength += length;
        } else {
          longs[c][rows] = event.longValue(c);
        }
      }
      rows++;
    }

    void clear() {
      rows = 0;
      arenaLength = 0;
    }
  }

  private static final class Builder extends ParquetWriter.Builder<Chunk, Builder> {
    private final MessageType fileSchema;

    Builder(OutputFile file, MessageType fileSchema) {
      super(file);
      this.fileSchema = fileSchema;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Chunk> getWriteSupport(Configuration conf) {
      return new ChunkWriteSupport(fileSchema);
    }
  }

  private static final class ChunkWriteSupport extends WriteSupport<Chunk> {
    private final MessageType fileSchema;
    private final boolean[] binary;
    private final String[] names;
    private RecordConsumer consumer;

    ChunkWriteSupport(MessageType fileSchema) {
      this.fileSchema = fileSchema;
      int columns = fileSchema.getFieldCount();
      this.binary = new boolean[columns];
      this.names = new String[columns];
      for (int i = 0; i < columns; i++) {
        names[i] = fileSchema.getFieldName(i);
        binary[i] = fileSchema.getType(i).asPrimitiveType().getPrimitiveTypeName()
            == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
      }
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(fileSchema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(Chunk chunk) {
      int row = chunk.row;
      consumer.startMessage();
      for (int c = 0; c < names.length; c++) {
        if (chunk.nulls[c][row]) {
          continue;
        }
        consumer.startField(names[c], c);
        if (binary[c]) {
          consumer.addBinary(Binary.fromReusedByteArray(chunk.arena, chunk.starts[c][row], chunk.lengths[c][row]));
        } else {
          consumer.addLong(chunk.longs[c][row]);
        }
        consumer.endField(names[c], c);
      }
      consumer.endMessage();
    }
  }
}
